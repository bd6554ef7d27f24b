/**
 * `npm run eval`: runs the labelled scenario corpus and prints a confusion table (expected label × actual level),
 * precision and recall of "flagged" (level medium or above), overall and per OS, and every scenario whose labels the
 * rules miss.
 * Then the fleet corpus (scripts/eval/fleet-corpus.ts): simulated fleets over days through a real server, precision and
 * recall of every fleet and geo rule.
 * Exit 0 even when labels are missed: it is a report; test/scenarios/corpus.test.ts and fleet-corpus.test.ts are the gates.
 */
import { levels } from '../../rules/types.js';
import { formatFleetCorpus, runFleetCorpus } from './fleet-corpus.js';
import { expectedLabel, flaggedFrom, judge, loadCorpus, tally, tallyByOs, type Tally } from './scenario-corpus.js';

const scenarios = loadCorpus();
const rows = new Map<string, Map<string, number>>();
const judged: Parameters<typeof tally>[0][number][] = [];
const misses: string[] = [];
const lines: string[] = [];
for (const s of scenarios) {
  const { evaluation, problems } = judge(s);
  const label = expectedLabel(s);
  const row = rows.get(label) ?? new Map<string, number>();
  row.set(evaluation.level, (row.get(evaluation.level) ?? 0) + 1);
  rows.set(label, row);
  judged.push({ scenario: s, level: evaluation.level });
  lines.push(`${problems.length ? 'MISS' : 'ok  '} ${s.name.padEnd(32)} ${s.snapshot.platform.padEnd(6)} expected ${label.padEnd(10)} got ${evaluation.level.padEnd(8)} score ${String(evaluation.score).padStart(3)}`);
  for (const p of problems) misses.push(`  ${s.name}: ${p}`);
}

const labelWidth = Math.max(14, ...[...rows.keys()].map((k) => k.length + 2));
const out: string[] = [];
out.push(`Scenario corpus: ${scenarios.length} labelled snapshots (test/scenarios/corpus)`);
out.push('');
out.push(...lines);
out.push('');
out.push('Confusion table (rows: expected label, columns: actual level)');
out.push(`${'expected'.padEnd(labelWidth)}${levels.map((l) => l.padStart(10)).join('')}`);
for (const [label, row] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  out.push(`${label.padEnd(labelWidth)}${levels.map((l) => String(row.get(l) ?? 0).padStart(10)).join('')}`);
}
const counts = (t: Tally): string => `TP ${t.tp}  FP ${t.fp}  FN ${t.fn}  TN ${t.tn}` +
  (t.undecided ? `  (${t.undecided} scenario(s) whose label allows both left out)` : '');
const all = tally(judged);
out.push('');
out.push(`Flagged = level ${flaggedFrom} or above.  ${counts(all)}`);
out.push(`Precision ${all.precision.toFixed(2)}  Recall ${all.recall.toFixed(2)}`);
out.push('');
out.push('Per OS');
for (const [os, t] of tallyByOs(judged)) {
  out.push(`${os.padEnd(8)}precision ${t.precision.toFixed(2)}  recall ${t.recall.toFixed(2)}  ${counts(t)}`);
}
out.push(`Scenarios with every label met: ${scenarios.length - new Set(misses.map((m) => m.split(':')[0])).size}/${scenarios.length}`);
if (misses.length) {
  out.push('');
  out.push('Labels the rules miss (labels are ground truth: fix the rule, not the label):');
  out.push(...misses);
}
process.stdout.write(`${out.join('\n')}\n`);
process.stdout.write(`\n${formatFleetCorpus(await runFleetCorpus())}\n`);
