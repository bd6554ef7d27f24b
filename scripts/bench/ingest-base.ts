/**
 * SQLite ingest of several builds side by side, measured in the same run: each `--root DIR [--label TEXT]` (roots.ts;
 * `npm run bench` passes this checkout and its base build, base-build.ts) runs its own dist/scripts/bench/ingest.js
 * mix a, round robin (this, base, this, base, …), so that a change in machine load falls on all of them. Without
 * --root: this checkout only (no ratio). Prints each round, one JSON line per root (medians and every round) and,
 * with two roots or more, last, one JSON line per other root with the ratio first root / that root of reports/s.
 *
 *   npm run build && node dist/scripts/bench/ingest-base.js [--root DIR [--label TEXT]]... [--rounds 3] [--seconds 6]
 * To keep edits to this checkout out of a long measurement, pass builds of both commits instead of `--root .`
 * (`node dist/scripts/bench/base-build.js HEAD` prints the root of a build of HEAD).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchRoots, rootOptions } from './roots.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const parsed = benchArgs({ options: { ...rootOptions, rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '6' } }, tokens: true });
const { values } = parsed;
const rounds = Math.max(1, Math.min(9, Number(values.rounds) || 1));
const seconds = Number(values.seconds);
if (!(seconds > 0)) {
  console.error('ingest-base: --seconds must be a positive number');
  process.exit(2);
}
const roots = benchRoots(parsed);
const node = process.execPath;
for (const r of roots) {
  if (!existsSync(join(r.dir, 'dist/scripts/bench/ingest.js'))) {
    console.error(`ingest-base: --root ${r.dir} has no dist/scripts/bench/ingest.js`);
    process.exit(2);
  }
}

interface Run {
  reportsPerSec: number;
  serverCpuUsPerReport: number;
}

function ingest(dir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(dir, 'dist/scripts/bench/ingest.js'), '--mix', 'a', '--seconds', String(seconds), '--runs', '1', '--warmup', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').filter((l) => l.startsWith('{')).at(-1);
      if (code !== 0 || !line) reject(new Error(`ingest bench in ${dir} exited ${code}`));
      else resolve(JSON.parse(line) as Run);
    });
  });
}

const samples = roots.map(() => [] as Run[]);
for (let i = 0; i < rounds; i++) {
  const line: string[] = [];
  for (const [k, r] of roots.entries()) {
    const s = await ingest(r.dir);
    samples[k]!.push(s);
    line.push(`${r.label} ${s.reportsPerSec} reports/s (${s.serverCpuUsPerReport} µs CPU/report)`);
  }
  console.log(`round ${i + 1}: ${line.join(', ')}`);
}
const medians = roots.map((r, k) => {
  const s = samples[k]!;
  const m = { label: r.label, root: r.dir, commit: r.commit?.slice(0, 12), rounds, seconds, reportsPerSec: median(s.map((x) => x.reportsPerSec)), cpuUsPerReport: median(s.map((x) => x.serverCpuUsPerReport)), runs: s.map((x) => x.reportsPerSec), cpuRuns: s.map((x) => x.serverCpuUsPerReport) };
  console.log(JSON.stringify(m));
  return m;
});
// The first root beside each other one: `root` is the other's position among the roots (1 = the second).
const first = medians[0]!;
for (const [k, other] of medians.entries()) {
  if (k === 0) continue;
  console.log(JSON.stringify({ ratio: Math.round((first.reportsPerSec / other.reportsPerSec) * 1000) / 1000, of: [first.label, other.label], root: k }));
}
