/**
 * CLI start-up benchmark: what `farmwatch --version` and `farmwatch diagnose` cost as whole processes, side by side
 * with `node -e 0` in one run, for the npm package's bin (dist/cli/cli.js) and the laptop bundle (build:bundle) of
 * every `--root DIR [--label TEXT]` (roots.ts; `npm run bench` passes this checkout and its base build), at about
 * TARGET processes on the machine. Without --root: this checkout only.
 *   npm run build && node dist/scripts/bench/cli.js [--root DIR [--label TEXT]]... [--runs 5] [--processes 400]
 * This checkout's bundles (the laptop's, and the npm bin's copy of it in dist/cli/bundle/) are rebuilt first so that they match its
 * sources; another root's laptop bundle is built only when missing (base-build.ts builds both, `{ bundle: true }`).
 * CPU is user + system of the process and the children it waited for, and peak RSS its largest, both from GNU time
 * (/usr/bin/time, getrusage of the child). Prints a table and one JSON line: rows carry the label of their root.
 * Then compares `diagnose --json` of every build with the first root's npm bin, run back to back: the report must be the
 * same apart from timings (collectedAt, durationMs, uptime); processes and connections are compared where both runs
 * saw them (the machine's own churn: pids come and go, a postgres backend retitles itself, RTTs move).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildBinBundle, buildBundle } from './base-build.js';
import { benchRoots, rootOptions } from './roots.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const run = promisify(execFile);
const parsed = benchArgs({
  options: { ...rootOptions, runs: { type: 'string', default: '5' }, processes: { type: 'string', default: '400' } },
  tokens: true,
});
const { values } = parsed;
const runs = Number(values.runs);
const target = Number(values.processes);
const roots = benchRoots(parsed);
const time = '/usr/bin/time';

if (!existsSync(time)) {
  process.stderr.write('bench cli: needs GNU time at /usr/bin/time (Debian: apt-get install time)\n');
  process.exit(1);
}

interface Sample {
  cpuS: number;
  rssMiB: number;
}

/** One whole process under GNU time: user + system CPU (children included) and the peak RSS. */
async function measure(args: string[]): Promise<Sample> {
  const out = join(scratch, 'time.txt');
  const child = await run(time, ['-o', out, '-f', '%U %S %M', process.execPath, ...args], {
    cwd: scratch,
    timeout: 120_000,
    maxBuffer: 16 << 20,
  }).catch((err: { code?: number }) => ({ failed: err.code }));
  if ('failed' in child) throw new Error(`${args.join(' ')} exited ${child.failed}`);
  const [user, sys, rssKiB] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { cpuS: user + sys, rssMiB: rssKiB / 1024 };
}

function processCount(): number {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
}

interface Report {
  snapshot: Record<string, unknown> & { processes?: { pid: number }[]; network?: { connections?: Record<string, unknown>[] } };
  [key: string]: unknown;
}

/** JSON with every object's keys sorted: the collectors finish, and are listed, in whatever order they finish. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The report without what differs from run to run on a still machine: timings, and the process and socket lists. */
function steady(r: Report): { rest: unknown; processes: Map<number, string>; connections: Map<string, string> } {
  const { collectedAt: _at, processes = [], collectors, host, network, ...snapshot } = r.snapshot as Report['snapshot'] & { collectedAt?: unknown; collectors?: Record<string, object>; host?: object };
  const { connections = [], ...net } = network ?? {};
  const timeless = Object.fromEntries(Object.entries(collectors ?? {}).map(([k, v]) => [k, { ...v, durationMs: undefined }]));
  return {
    rest: canonical({ ...r, snapshot: { ...snapshot, collectors: timeless, host: { ...host, uptimeSeconds: undefined }, network: net } }),
    processes: new Map(processes.map((p) => [p.pid, JSON.stringify(p)])),
    connections: new Map(connections.map((c) => [JSON.stringify([c.protocol, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.state]), JSON.stringify(c)])),
  };
}

function differing<K>(a: Map<K, string>, b: Map<K, string>): { both: number; differ: number } {
  let both = 0;
  let differ = 0;
  for (const [k, v] of a) {
    if (!b.has(k)) continue;
    both++;
    if (b.get(k) !== v) differ++;
  }
  return { both, differ };
}

/** diagnose --json of each case beside the first case's, run back to back. */
async function compareReports(diagnoses: { label: string; args: string[] }[]) {
  const out: { label: string; sameReport: boolean; processes: { both: number; differ: number }; connections: { both: number; differ: number } }[] = [];
  const [first, ...rest] = diagnoses;
  if (!first) return out;
  process.stdout.write(`\ndiagnose --json against ${first.label}, run back to back (the same apart from timings; processes and connections where both saw them):\n`);
  for (const c of rest) {
    const json = async (args: string[]) => steady(JSON.parse((await run(process.execPath, [...args, '--json'], { cwd: scratch, timeout: 120_000, maxBuffer: 64 << 20 })).stdout) as Report);
    const a = await json(first.args);
    const b = await json(c.args);
    const row = { label: c.label, sameReport: a.rest === b.rest, processes: differing(a.processes, b.processes), connections: differing(a.connections, b.connections) };
    out.push(row);
    process.stdout.write(`- ${c.label}: report ${row.sameReport ? 'the same' : 'DIFFERENT'}; processes in both ${row.processes.both}, differing ${row.processes.differ}; connections in both ${row.connections.both}, differing ${row.connections.differ}\n`);
  }
  return out;
}

const scratch = mkdtempSync(join(tmpdir(), 'farmwatch-bench-cli-'));
const extra: ChildProcess[] = [];
try {
  const builds = roots.map((r) => {
    if (r.self) buildBinBundle(r.dir); // the npm bin runs it (dist/cli/cli.js): built from this checkout's sources, as the laptop bundle is
    const existing = join(r.dir, 'dist', 'bundle', 'farmwatch.cjs');
    return { ...r, bin: join(r.dir, 'dist', 'cli', 'cli.js'), bundle: r.self || !existsSync(existing) ? buildBundle(r.dir) : existing };
  });
  for (let n = processCount(); n < target; n++) extra.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 500));
  const processes = processCount();

  const cases = [
    { id: 'node', label: 'node -e 0', args: ['-e', '0'] },
    ...builds.flatMap((b, i) =>
      (['bin', 'bundle'] as const).flatMap((kind) =>
        (['--version', 'diagnose'] as const).map((command) => ({
          id: `${i}:${kind}:${command}`,
          root: b.label,
          label: `${b.label}, ${kind === 'bin' ? 'npm bin' : 'laptop bundle'}: ${command}`,
          args: [kind === 'bin' ? b.bin : b.bundle, command],
        })),
      ),
    ),
  ];
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  for (let i = 0; i < runs; i++) {
    // Round robin, so that every case sees the same machine conditions.
    for (const c of cases) samples.get(c.id)!.push(await measure(c.args));
  }
  const rows = cases.map((c) => {
    const s = samples.get(c.id)!;
    return { id: c.id, ...('root' in c ? { root: c.root } : {}), label: c.label, cpuS: Math.round(median(s.map((x) => x.cpuS)) * 100) / 100, rssMiB: Math.round(median(s.map((x) => x.rssMiB)) * 10) / 10 };
  });
  const nodeCpu = rows[0]!.cpuS;
  process.stdout.write(`processes on the machine: ${processes}; runs: ${runs} (medians); CPU = user + system, children included\n`);
  process.stdout.write('| process | CPU s | CPU s over node -e 0 | peak RSS MiB |\n|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.label} | ${r.cpuS.toFixed(2)} | ${r.id === 'node' ? '' : (r.cpuS - nodeCpu).toFixed(2)} | ${r.rssMiB} |\n`);
  }
  const compared = await compareReports(cases.filter((c) => c.id.endsWith(':diagnose')));
  process.stdout.write(`${JSON.stringify({ processes, runs, roots: roots.map((r) => ({ label: r.label, root: r.dir, commit: r.commit?.slice(0, 12) })), nodeCpuS: nodeCpu, rows, compared })}\n`);
} finally {
  for (const p of extra) p.kill();
  rmSync(scratch, { recursive: true, force: true });
}
