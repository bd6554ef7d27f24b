/**
 * SQLite ingest of this tree beside a base commit's, measured in the same run: the base is checked out in a temp git
 * worktree (node_modules linked from this tree), built with tsc, and both trees' scripts/bench/ingest.js run mix a
 * alternately (base, this, base, this, …) so that a change in machine load falls on both. Prints each run and,
 * last, one JSON line: the medians and the ratio this / base of reports/s.
 *
 *   npm run build && node dist/scripts/bench/ingest-base.js --base <commit> [--head <commit>] [--rounds 3] [--seconds 6]
 * With --head, that commit is also checked out and built in a temp worktree (instead of measuring this tree's dist/),
 * so that editing and rebuilding this tree meanwhile does not touch the measurement. The temp worktrees are removed
 * at the end (git worktree remove), also when a run fails.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { base: { type: 'string' }, head: { type: 'string' }, rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '6' } } });
const revision = /^[0-9a-zA-Z._/~^-]+$/;
if (!values.base || !revision.test(values.base) || (values.head !== undefined && !revision.test(values.head))) {
  console.error('usage: ingest-base.js --base <commit> [--rounds N] [--seconds S]');
  process.exit(2);
}
const rounds = Math.max(1, Math.min(9, Number(values.rounds)));
const root = fileURLToPath(new URL('../../../', import.meta.url));
const git = '/usr/bin/git';
const node = process.execPath;
const base = execFileSync(git, ['-C', root, 'rev-parse', '--verify', `${values.base}^{commit}`], { encoding: 'utf8', timeout: 10_000 }).trim();
const head = execFileSync(git, ['-C', root, 'rev-parse', '--verify', `${values.head ?? 'HEAD'}^{commit}`], { encoding: 'utf8', timeout: 10_000 }).trim();
const temp = mkdtempSync(join(tmpdir(), 'fw-bench-base-'));
const tree = join(temp, 'base');
const headTree = values.head === undefined ? root : join(temp, 'head');
const made: string[] = [];

function checkout(dir: string, commit: string): void {
  execFileSync(git, ['-C', root, 'worktree', 'add', '--detach', dir, commit], { stdio: 'ignore', timeout: 60_000 });
  made.push(dir);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(node, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit', timeout: 600_000 });
}

function ingest(dir: string): Promise<{ reportsPerSec: number; p99Ms: number; serverCpuUsPerReport: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(dir, 'dist/scripts/bench/ingest.js'), '--mix', 'a', '--seconds', String(values.seconds), '--runs', '1', '--warmup', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').filter((l) => l.startsWith('{')).at(-1);
      if (code !== 0 || !line) reject(new Error(`ingest bench in ${dir} exited ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

try {
  checkout(tree, base);
  if (headTree !== root) checkout(headTree, head);
  const runs: { base: number[]; head: number[]; baseCpu: number[]; headCpu: number[] } = { base: [], head: [], baseCpu: [], headCpu: [] };
  for (let i = 0; i < rounds; i++) {
    const b = await ingest(tree);
    const h = await ingest(headTree);
    runs.base.push(b.reportsPerSec);
    runs.head.push(h.reportsPerSec);
    runs.baseCpu.push(b.serverCpuUsPerReport);
    runs.headCpu.push(h.serverCpuUsPerReport);
    console.log(`round ${i + 1}: base ${b.reportsPerSec} reports/s (${b.serverCpuUsPerReport} µs CPU/report), this tree ${h.reportsPerSec} reports/s (${h.serverCpuUsPerReport} µs CPU/report)`);
  }
  const [mb, mh] = [median(runs.base), median(runs.head)];
  console.log(
    JSON.stringify({
      base: base.slice(0, 12), head: head.slice(0, 12), rounds, seconds: Number(values.seconds),
      baseReportsPerSec: mb, headReportsPerSec: mh, ratio: Math.round((mh / mb) * 1000) / 1000,
      baseCpuUsPerReport: median(runs.baseCpu), headCpuUsPerReport: median(runs.headCpu), runs,
    }),
  );
} finally {
  for (const dir of made) {
    try {
      execFileSync(git, ['-C', root, 'worktree', 'remove', '--force', dir], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  rmSync(temp, { recursive: true, force: true });
}
