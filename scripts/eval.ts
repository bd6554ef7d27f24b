/**
 * `npm run eval`: runs the labelled scenario corpus and prints a confusion table (expected label × actual level),
 * precision and recall of "flagged" (level medium or above), and every scenario whose labels the rules miss.
 * Exit 0 even when labels are missed: it is a report; test/scenarios/corpus.test.ts is the gate.
 */
import { levels } from '../rules/types.js';
import { expectedFlagged, expectedLabel, flaggedFrom, isFlagged, judge, loadCorpus } from './scenario-corpus.js';

const scenarios = loadCorpus();
const rows = new Map<string, Map<string, number>>();
let tp = 0;
let fp = 0;
let fn = 0;
let tn = 0;
let undecided = 0;
const misses: string[] = [];
const lines: string[] = [];
for (const s of scenarios) {
  const { evaluation, problems } = judge(s);
  const label = expectedLabel(s);
  const row = rows.get(label) ?? new Map<string, number>();
  row.set(evaluation.level, (row.get(evaluation.level) ?? 0) + 1);
  rows.set(label, row);
  const want = expectedFlagged(s);
  const got = isFlagged(evaluation.level);
  if (want === undefined) undecided++;
  else if (want && got) tp++;
  else if (!want && got) fp++;
  else if (want && !got) fn++;
  else tn++;
  lines.push(`${problems.length ? 'MISS' : 'ok  '} ${s.name.padEnd(32)} expected ${label.padEnd(10)} got ${evaluation.level.padEnd(8)} score ${String(evaluation.score).padStart(3)}`);
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
const precision = tp + fp ? tp / (tp + fp) : 1;
const recall = tp + fn ? tp / (tp + fn) : 1;
out.push('');
out.push(`Flagged = level ${flaggedFrom} or above.  TP ${tp}  FP ${fp}  FN ${fn}  TN ${tn}` +
  (undecided ? `  (${undecided} scenario(s) whose label allows both left out)` : ''));
out.push(`Precision ${precision.toFixed(2)}  Recall ${recall.toFixed(2)}`);
out.push(`Scenarios with every label met: ${scenarios.length - new Set(misses.map((m) => m.split(':')[0])).size}/${scenarios.length}`);
if (misses.length) {
  out.push('');
  out.push('Labels the rules miss (labels are ground truth: fix the rule, not the label):');
  out.push(...misses);
}
process.stdout.write(`${out.join('\n')}\n`);
