/**
 * Server start time and idle memory: `farmwatch server` on a fresh SQLite file with the bundled geolocation data,
 * time from spawn to its "listening" line, then its RSS after `--idle` seconds of nothing (Linux /proc). Each
 * `--root DIR [--label TEXT]` is a built package root (roots.ts; `npm run bench` passes this checkout and its base
 * build), measured alternately in one run so all see the same machine. Without --root: this checkout only.
 *   node dist/scripts/bench/server-start.js [--root DIR [--label TEXT]]... [--runs 3] [--idle 10]
 * Prints one JSON line per root: { label, root, commit, startMs (median), idleRssMiB (median) }.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRoots, rootOptions } from './roots.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const parsed = benchArgs({ options: { ...rootOptions, runs: { type: 'string', default: '3' }, idle: { type: 'string', default: '10' } }, tokens: true });
const { values } = parsed;
const roots = benchRoots(parsed);
const runs = Number(values.runs);
const idleMs = Number(values.idle) * 1000;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
}

async function once(root: string): Promise<{ startMs: number; idleRssMiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-start-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'cli.js'), 'server', '--port', '0', '--db', join(dir, 'farmwatch.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const startMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/listening on/.test(out)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
    });
    await new Promise((r) => setTimeout(r, idleMs));
    return { startMs: Math.round(startMs), idleRssMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const samples = roots.map(() => [] as { startMs: number; idleRssMiB: number }[]);
for (let run = 0; run < runs; run++) for (const [i, root] of roots.entries()) samples[i]!.push(await once(root.dir));
for (const [i, s] of samples.entries()) {
  const { label, dir, commit } = roots[i]!;
  console.log(JSON.stringify({ label, root: dir, commit: commit?.slice(0, 12), runs, idleSec: idleMs / 1000, startMs: median(s.map((x) => x.startMs)), idleRssMiB: median(s.map((x) => x.idleRssMiB)) }));
}
