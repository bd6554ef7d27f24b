/**
 * CLI start-up benchmark: what `farmwatch --version` and `farmwatch diagnose` cost as whole processes, side by side
 * with `node -e 0` in one run, for the npm package's bin (dist/cli/cli.js) and the laptop bundle (build:bundle), now
 * and at an earlier commit (built in a temporary git worktree), at about TARGET processes on the machine.
 *   npm run build && node dist/scripts/bench/cli.js [--runs 5] [--processes 400] [--before REF]
 * CPU is user + system of the process and the children it waited for, and peak RSS its largest, both from GNU time
 * (/usr/bin/time, getrusage of the child). Prints a table and one JSON line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    processes: { type: 'string', default: '400' },
    // The last commit before the catalogs were validated at build time and pino left the one-shot commands.
    before: { type: 'string', default: '35f763d' },
  },
});
const runs = Number(values.runs);
const target = Number(values.processes);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const time = '/usr/bin/time';

if (!existsSync(time)) {
  process.stderr.write('bench cli: needs GNU time at /usr/bin/time (Debian: apt-get install time)\n');
  process.exit(1);
}

interface Build {
  name: string;
  bin: string;
  bundle: string;
}

/** The tree at `ref` in a temporary worktree, built with this checkout's node_modules: its bin and its bundle. */
async function buildAt(ref: string, dir: string): Promise<Build> {
  await run('/usr/bin/git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { timeout: 120_000 });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { timeout: 600_000 });
  // The bundle's build script moved to scripts/package/; an older tree has it in scripts/.
  const builder = [join(dir, 'scripts', 'package', 'build-bundle.mjs'), join(dir, 'scripts', 'build-bundle.mjs')].find((f) => existsSync(f))!;
  await run(process.execPath, [builder], { cwd: dir, timeout: 300_000 });
  return { name: `before (${ref})`, bin: join(dir, 'dist', 'cli', 'cli.js'), bundle: join(dir, 'dist', 'bundle', 'farmwatch.cjs') };
}

async function buildNow(): Promise<Build> {
  // dist/ is built by `npm run bench`; the bundle is built here so that it matches the sources.
  await run(process.execPath, [join(root, 'scripts', 'package', 'build-bundle.mjs')], { cwd: root, timeout: 300_000 });
  return { name: 'now', bin: join(root, 'dist', 'cli', 'cli.js'), bundle: join(root, 'dist', 'bundle', 'farmwatch.cjs') };
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const scratch = mkdtempSync(join(tmpdir(), 'farmwatch-bench-cli-'));
const beforeDir = join(scratch, 'before');
const extra: ChildProcess[] = [];
try {
  const builds = [await buildAt(values.before, beforeDir), await buildNow()];
  for (let n = processCount(); n < target; n++) extra.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 500));
  const processes = processCount();

  const cases = [
    { id: 'node', label: 'node -e 0', args: ['-e', '0'] },
    ...builds.flatMap((b) =>
      (['bin', 'bundle'] as const).flatMap((kind) =>
        (['--version', 'diagnose'] as const).map((command) => ({
          id: `${b.name === 'now' ? 'now' : 'before'}:${kind}:${command}`,
          label: `${b.name}, ${kind === 'bin' ? 'npm bin' : 'laptop bundle'}: ${command}`,
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
    return { id: c.id, label: c.label, cpuS: Math.round(median(s.map((x) => x.cpuS)) * 100) / 100, rssMiB: Math.round(median(s.map((x) => x.rssMiB)) * 10) / 10 };
  });
  const nodeCpu = rows[0]!.cpuS;
  process.stdout.write(`processes on the machine: ${processes}; runs: ${runs} (medians); CPU = user + system, children included\n`);
  process.stdout.write('| process | CPU s | CPU s over node -e 0 | peak RSS MiB |\n|---|---|---|---|\n');
  for (const r of rows) {
    process.stdout.write(`| ${r.label} | ${r.cpuS.toFixed(2)} | ${r.id === 'node' ? '' : (r.cpuS - nodeCpu).toFixed(2)} | ${r.rssMiB} |\n`);
  }
  process.stdout.write(`${JSON.stringify({ processes, runs, before: values.before, nodeCpuS: nodeCpu, rows })}\n`);
} finally {
  for (const p of extra) p.kill();
  await run('/usr/bin/git', ['-C', root, 'worktree', 'remove', '--force', beforeDir]).catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
