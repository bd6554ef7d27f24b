import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig } from '../../agent/config.js';
import { ruleContextFor } from '../../agent/rule-context.js';
import { snapshotSchema } from '../../schema/snapshot/index.js';
import { evaluateSnapshot, type Evaluation } from '../../rules/index.js';
import { levels, type Level } from '../../rules/types.js';
import { baselineSchema } from '../../schema/baseline.js';

/**
 * The labelled scenario corpus (test/scenarios/corpus/*.json): what a correct detector should conclude about each
 * snapshot. Shared by test/scenarios/corpus.test.ts and `npm run eval`.
 */
const level = z.enum(levels);
export const scenarioSchema = z.strictObject({
  description: z.string(),
  source: z.string().describe('Where the facts in the snapshot come from'),
  expected: z
    .strictObject({
      level: level.optional(),
      minLevel: level.optional(),
      maxLevel: level.optional(),
      rules: z.array(z.string()).describe('Must fire, unsuppressed'),
      absentRules: z.array(z.string()).default([]).describe('Must not fire (unsuppressed)'),
      suppressedRules: z.array(z.string()).default([]).describe('Must fire, every finding suppressed by allow.tools'),
    })
    .refine((e) => e.level !== undefined || e.minLevel !== undefined || e.maxLevel !== undefined, 'give level, minLevel or maxLevel'),
  config: z.unknown().optional().describe('Agent config (expected region, allow-list, latency)'),
  activityHours: z.array(z.number().int().nonnegative()).length(24).optional(),
  baseline: baselineSchema.optional(),
  snapshot: snapshotSchema,
});
export type Scenario = z.infer<typeof scenarioSchema> & { name: string };

export function corpusDir(): string {
  // Walk up from this file (scripts/ or dist/scripts/) to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package root not found');
    dir = up;
  }
  return join(dir, 'test', 'scenarios', 'corpus');
}

export function loadCorpus(dir = corpusDir()): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = scenarioSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
      }
      return { ...parsed.data, name: file.replace(/\.json$/, '') };
    });
}

export interface Verdict {
  evaluation: Evaluation;
  problems: string[];
}

const rank = (l: Level) => levels.indexOf(l);

/** Evaluates one scenario as the agent would (its config, baseline and histogram) and checks every label. */
export function judge(s: Scenario): Verdict {
  const config = parseConfig(s.config ?? {}, `${s.name}.config`);
  const context = ruleContextFor(config, {
    ...(s.baseline ? { baseline: s.baseline } : {}),
    ...(s.activityHours ? { activityHours: s.activityHours } : {}),
    now: new Date(s.snapshot.collectedAt),
  });
  const evaluation = evaluateSnapshot(s.snapshot, context);
  const problems: string[] = [];
  const { level: got } = evaluation;
  const e = s.expected;
  if (e.level !== undefined && got !== e.level) problems.push(`level ${got}, expected ${e.level}`);
  if (e.minLevel !== undefined && rank(got) < rank(e.minLevel)) problems.push(`level ${got}, expected at least ${e.minLevel}`);
  if (e.maxLevel !== undefined && rank(got) > rank(e.maxLevel)) problems.push(`level ${got}, expected at most ${e.maxLevel}`);
  const live = new Set(evaluation.findings.filter((f) => !f.suppressed).map((f) => f.rule));
  for (const r of e.rules) if (!live.has(r)) problems.push(`rule ${r} did not fire`);
  for (const r of e.absentRules) if (live.has(r)) problems.push(`rule ${r} fired: ${evidenceOf(evaluation, r)}`);
  for (const r of e.suppressedRules) {
    const all = evaluation.findings.filter((f) => f.rule === r);
    if (all.length === 0) problems.push(`rule ${r} did not fire (expected it, suppressed)`);
    else if (all.some((f) => !f.suppressed)) problems.push(`rule ${r} fired unsuppressed: ${evidenceOf(evaluation, r)}`);
  }
  return { evaluation, problems };
}

function evidenceOf(ev: Evaluation, rule: string): string {
  return JSON.stringify(ev.findings.filter((f) => f.rule === rule && !f.suppressed).map((f) => f.subject ?? f.evidence)).slice(0, 300);
}

/** Flagged (worth an analyst's look) = level medium or above: what precision and recall count. */
export const flaggedFrom: Level = 'medium';
export function isFlagged(l: Level): boolean {
  return rank(l) >= rank(flaggedFrom);
}

/**
 * Whether the label says this scenario should be flagged: true, false, or undefined when the label allows both
 * (e.g. ">=low": a VM may rate low or medium). Undecided labels are left out of precision and recall.
 */
export function expectedFlagged(s: Scenario): boolean | undefined {
  const e = s.expected;
  if (e.level !== undefined) return isFlagged(e.level);
  const lowest = e.minLevel ?? 'none';
  const highest = e.maxLevel ?? 'critical';
  if (isFlagged(lowest)) return true;
  if (!isFlagged(highest)) return false;
  return undefined;
}

/** The label as one column of the confusion table: "high", ">=medium", "<=low". */
export function expectedLabel(s: Scenario): string {
  const e = s.expected;
  if (e.level !== undefined) return e.level;
  if (e.minLevel !== undefined && e.maxLevel !== undefined) return `${e.minLevel}..${e.maxLevel}`;
  if (e.minLevel !== undefined) return `>=${e.minLevel}`;
  return `<=${e.maxLevel ?? 'critical'}`;
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** Scenarios whose label allows both flagged and not (left out of precision and recall). */
  undecided: number;
  precision: number;
  recall: number;
}

/** Precision and recall of "flagged" over judged scenarios; 1 when there is nothing to count. */
export function tally(judged: readonly { scenario: Scenario; level: Level }[]): Tally {
  const t = { tp: 0, fp: 0, fn: 0, tn: 0, undecided: 0 };
  for (const { scenario, level: got } of judged) {
    const want = expectedFlagged(scenario);
    const flagged = isFlagged(got);
    if (want === undefined) t.undecided++;
    else if (want && flagged) t.tp++;
    else if (!want && flagged) t.fp++;
    else if (want && !flagged) t.fn++;
    else t.tn++;
  }
  return { ...t, precision: t.tp + t.fp ? t.tp / (t.tp + t.fp) : 1, recall: t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1 };
}

/** The same per OS of the snapshot (linux, darwin, win32): a detector good on one OS can be blind on another. */
export function tallyByOs(judged: readonly { scenario: Scenario; level: Level }[]): Map<string, Tally> {
  const byOs = new Map<string, { scenario: Scenario; level: Level }[]>();
  for (const j of judged) {
    const list = byOs.get(j.scenario.snapshot.platform) ?? [];
    list.push(j);
    byOs.set(j.scenario.snapshot.platform, list);
  }
  return new Map([...byOs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([os, list]) => [os, tally(list)]));
}
