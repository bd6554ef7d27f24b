/**
 * Collect benchmark: farmwatch's lean collectors against a naive systeminformation collector, side by side in one run,
 * at about TARGET processes (extra `sleep` processes are started and killed). Each sample runs in a fresh process.
 *   npm run build && node dist/scripts/bench/collect.js [--runs 5] [--processes 400]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchArgs } from './args.js';
import { median } from './median.js';

const run = promisify(execFile);
const { values } = benchArgs({ options: { runs: { type: 'string', default: '5' }, processes: { type: 'string', default: '400' } } });
const runs = Number(values.runs);
const target = Number(values.processes);
const worker = fileURLToPath(new URL('./collect-worker.js', import.meta.url));

interface Sample { cpuMs: number; wallMs: number; forks: number; maxBlockMs: number; rssMiB: number; seen: unknown; cold: { cpuMs: number; forks: number; maxBlockMs: number } }

function processCount(): number {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
}

const extra: ChildProcess[] = [];
for (let n = processCount(); n < target; n++) extra.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
await new Promise((r) => setTimeout(r, 500));
const processes = processCount();

const modes = ['lean', 'lean-same', 'naive'] as const;
const samples: Record<(typeof modes)[number], Sample[]> = { lean: [], 'lean-same': [], naive: [] };
try {
  for (let i = 0; i < runs; i++) {
    // Alternate so that both see the same machine conditions.
    for (const mode of modes) {
      const { stdout } = await run(process.execPath, [worker, mode], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 120_000 });
      samples[mode].push(JSON.parse(stdout) as Sample);
    }
  }
} finally {
  for (const p of extra) p.kill();
}

const rows = modes.map((mode) => {
  const s = samples[mode];
  return {
    mode,
    cpuMs: median(s.map((x) => x.cpuMs)),
    coldCpuMs: median(s.map((x) => x.cold.cpuMs)),
    coldForks: median(s.map((x) => x.cold.forks)),
    coldMaxBlockMs: median(s.map((x) => x.cold.maxBlockMs)),
    wallMs: median(s.map((x) => x.wallMs)),
    forks: median(s.map((x) => x.forks)),
    maxBlockMs: median(s.map((x) => x.maxBlockMs)),
    rssMiB: median(s.map((x) => x.rssMiB)),
    seen: s[0]?.seen,
  };
});
const [, lean, naive] = rows; // the ratio compares the same domains: lean-same against naive
process.stdout.write(`processes on the machine: ${processes}; runs: ${runs} (medians)\n`);
process.stdout.write('| collector | CPU ms, steady cycle (incl. children) | CPU ms, first cycle | wall ms | forks (first) | longest block ms (first) | RSS MiB |\n|---|---|---|---|---|---|---|\n');
for (const r of rows) process.stdout.write(`| ${r.mode} | ${r.cpuMs} | ${r.coldCpuMs} | ${r.wallMs} | ${r.forks} (${r.coldForks}) | ${r.maxBlockMs} (${r.coldMaxBlockMs}) | ${r.rssMiB} |\n`);
if (lean && naive) {
  process.stdout.write(
    `CPU ratio lean (same domains)/naive: steady ${(lean.cpuMs / naive.cpuMs).toFixed(3)}, first cycle ${(lean.coldCpuMs / naive.coldCpuMs).toFixed(3)}\n`,
  );
}
process.stdout.write(`${JSON.stringify({ processes, rows })}\n`);
