/**
 * `npm run bench`: every benchmark as a child process, one after the other, each under a time bound; reads the JSON
 * line(s) each one prints and WRITES docs/BENCHMARKS.md (machine, commands, medians, ratios, budget, PASS/OVER).
 * The soak section of that file (between the soak markers, written by `npm run soak -- --record`) is kept as is.
 *   npm run bench [-- --quick] [-- --base REV] [-- --storage-base REV] [-- --out FILE]
 *   (--quick: fewer runs, shorter ingest; for a smoke check, not for the record. --base: the commit the benchmarks
 *   that compare measure beside this checkout in the same run, built once here (base-build.ts) and passed to each as
 *   `--root <this checkout> --label 'this commit' --root <base build> --label REV`; default b7e5bc9, the commit before
 *   the scale work. --storage-base: a second commit the SQLite ingest alone is measured beside, in the same rounds;
 *   default 5623a85, the commit before the storage domain layer.)
 * Exit code 0 when every benchmark ran (a figure over budget is reported, not an error); 1 when one failed to run.
 */
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchmarkDoc, soakBegin, soakEnd, type StepResult } from './doc.js';
import { pgBinDir } from '../../test/helpers/pg-cluster.js';
import { buildBase } from './base-build.js';
import { thisRoot } from './roots.js';
import { benchArgs } from './args.js';

// b7e5bc9: the commit before the scale work (PostgreSQL in batches, compact storage, the lean server, the ingest
// workers): each of its branches forked there, so "before" in the PostgreSQL, storage, start and SQLite rows is that
// commit. 5623a85: the commit before the storage domain layer (and before the CLI loaded per command); the SQLite
// ingest is also measured beside it, its budget being within 10 % of it. Full ids: an abbreviation can become
// ambiguous as the history grows.
const defaultBase = 'b7e5bc97d528f00b952825667a0ec7dca61d0d67';
const defaultStorageBase = '5623a8597073616e56126fa6d28f39ac4a930a16';
const shortOf: Record<string, string> = { [defaultBase]: 'b7e5bc9', [defaultStorageBase]: '5623a85' };
const { values } = benchArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    base: { type: 'string', default: defaultBase },
    'storage-base': { type: 'string', default: defaultStorageBase },
  },
});
const quick = values.quick;
const docPath = values.out ?? fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export interface Step {
  id: string;
  script: string;
  args: string[];
  timeoutMs: number;
  /** Measures every `--root` it is given side by side: run with this checkout and the --base build. */
  compares?: boolean;
  /** Also given the --storage-base build, as a third root. */
  alsoStorageBase?: boolean;
}

const steps: Step[] = [
  // Whole CLI processes against `node -e 0`, this commit and the base.
  { id: 'cli', script: 'cli.js', args: ['--runs', quick ? '2' : '5', '--processes', '400'], timeoutMs: 15 * 60_000, compares: true },
  { id: 'collect', script: 'collect.js', args: ['--runs', quick ? '2' : '7', '--processes', '400'], timeoutMs: 240_000 },
  { id: 'evaluate', script: 'evaluate.js', args: ['--runs', quick ? '300' : '2000'], timeoutMs: 60_000 },
  { id: 'rules-catalog', script: 'rules-catalog.js', args: [], timeoutMs: 60_000 },
  { id: 'ingest-a', script: 'ingest.js', args: ['--mix', 'a', '--seconds', quick ? '3' : '6', '--runs', quick ? '1' : '3'], timeoutMs: 120_000 },
  // SQLite ingest of this commit beside the base and the storage base, alternately in this run: not below the commit
  // before the scale work, and within 10 % of the commit before the storage domain layer (docs/BENCHMARKS.md).
  { id: 'ingest-base', script: 'ingest-base.js', args: ['--rounds', quick ? '1' : '5', '--seconds', quick ? '3' : '6'], timeoutMs: 20 * 60_000, compares: true, alsoStorageBase: true },
  // The report workers off, auto and one, side by side in one run, on signed reports (docs/server.md, Ingest workers).
  { id: 'ingest-workers', script: 'ingest.js', args: ['--mix', 'a', '--signed', '--workers', 'off,auto,1', '--warmup', '5', '--seconds', quick ? '3' : '6', '--runs', quick ? '1' : '3'], timeoutMs: 240_000 },
  { id: 'ingest-b', script: 'ingest.js', args: ['--mix', 'b', '--seconds', quick ? '3' : '10'], timeoutMs: 90_000 },
  // SQLite, PostgreSQL × 1 and × 2 replicas under the same load, this commit beside the base: reports/s, PostgreSQL
  // round trips and CPU (server and PostgreSQL) per report, bytes per stored report (skipped without PostgreSQL).
  // This checkout's three configurations run five times (the base's once): its ratios are the medians of the rounds'
  // (one round's × 2 / × 1 moved between 0.73 and 1.14 in one day on two shared cores; five rounds and the base's take
  // about 4.5 minutes).
  ...(pgBinDir() ? [{ id: 'ingest-pg', script: 'ingest-pg.js', args: ['--seconds', quick ? '3' : '10', '--rounds', quick ? '1' : '5'], timeoutMs: 15 * 60_000, compares: true }] : []),
  { id: 'spool', script: 'spool.js', args: ['--reports', quick ? '100' : '500'], timeoutMs: 90_000 },
  { id: 'network', script: 'network.js', args: ['--load', '--cycles', quick ? '3' : '10'], timeoutMs: 90_000 },
  { id: 'hardware', script: 'hardware.js', args: ['--cycles', quick ? '3' : '20'], timeoutMs: 60_000 },
  // The laptop's user as the adversary: /healthz under one flooding device, and a long run of the property suite.
  { id: 'hostile-load', script: 'hostile-load.js', args: ['--seconds', quick ? '5' : '15'], timeoutMs: 120_000 },
  { id: 'hostile-properties', script: '../eval/hostile.js', args: ['--runs', quick ? '50' : '300', '--seed', '42', '--json'], timeoutMs: 10 * 60_000 },
  // Bytes stored per laptop-day on a real agent's report sequence, this commit beside the base (both engines when
  // PostgreSQL is installed). At 100 laptops: at 20, the tables' fixed pages (free space maps, visibility maps, index
  // metapages, ~150 KB a PostgreSQL database) were two fifths of its figure, and they are not per laptop-day.
  { id: 'report-bytes', script: 'report-bytes.js', args: ['--devices', quick ? '5' : '100', ...(pgBinDir() ? ['--postgres'] : [])], timeoutMs: 10 * 60_000, compares: true },
  // Server start time and idle RSS with the bundled geolocation data.
  { id: 'server-start', script: 'server-start.js', args: ['--runs', quick ? '1' : '3', '--idle', quick ? '5' : '10'], timeoutMs: 240_000, compares: true },
  // The daemon itself (RSS, stalls, delivery): a short soak, 300 churning processes, interval 5 s.
  { id: 'daemon', script: 'soak.js', args: ['--minutes', quick ? '0.5' : '1.5', '--json'], timeoutMs: 5 * 60_000 },
];

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** `shown` replaces args in the recorded command (a temp directory means nothing in the document). */
function runStep(step: Step, shown = step.args): Promise<StepResult> {
  const started = performance.now();
  const loadBefore = load();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here(step.script), ...step.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), step.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const json = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
      resolve({
        id: step.id,
        command: `node dist/scripts/bench/${step.script} ${shown.join(' ')}`.replace('bench/../', ''),
        code,
        signal,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        loadBefore,
        json,
        text: stdout.split('\n').filter((l) => l && !l.startsWith('{')),
        stderrTail: stderr.slice(-1500),
      });
    });
  });
}

const startedAt = new Date();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  loadAtStart: load(),
};
process.stderr.write(`bench: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart}\n`);

const baseRev = shortOf[values.base] ?? values.base;
const storageRev = shortOf[values['storage-base']] ?? values['storage-base'];
process.stderr.write(`bench: building ${baseRev} for comparison (its bundle too) …\n`);
const base = buildBase(values.base, { bundle: true });
const baseLabel = `${baseRev} (${base.commit.slice(0, 10)})`;
process.stderr.write(`bench: building ${storageRev} for the SQLite ingest comparison …\n`);
let storageBase: ReturnType<typeof buildBase>;
try {
  storageBase = buildBase(values['storage-base']);
} catch (err) {
  base.remove();
  throw err;
}
const storageLabel = `${storageRev} (${storageBase.commit.slice(0, 10)})`;
const results: StepResult[] = [];
try {
  for (const step of steps) {
    process.stderr.write(`bench: ${step.id} …`);
    const quote = (a: string) => (a.includes(' ') ? `'${a}'` : a);
    const roots = (here: string, there: string, storage: string) => [
      '--root', here, '--label', 'this commit', '--root', there, '--label', baseLabel,
      ...(step.alsoStorageBase ? ['--root', storage, '--label', storageLabel] : []),
    ];
    const r = step.compares
      ? await runStep({ ...step, args: [...step.args, ...roots(thisRoot, base.root, storageBase.root)] }, [...step.args, ...roots(relative(process.cwd(), thisRoot) || '.', `<build of ${baseRev}>`, `<build of ${storageRev}>`).map(quote)])
      : await runStep(step);
    process.stderr.write(` ${r.code === 0 ? 'done' : `exit ${r.code ?? r.signal}`} in ${r.seconds} s (load before ${r.loadBefore})\n`);
    if (r.code !== 0 && r.stderrTail) process.stderr.write(`${r.stderrTail}\n`);
    results.push(r);
  }
} finally {
  base.remove();
  storageBase.remove();
}
const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
const b = previous.indexOf(soakBegin);
const e = previous.indexOf(soakEnd);
const keptSoak = b >= 0 && e > b ? previous.slice(b, e + soakEnd.length) : undefined;
const doc = benchmarkDoc({ machine, startedAt, finishedAt: new Date(), loadAtEnd: load(), quick, results, keptSoak });
writeFileSync(docPath, doc);
process.stderr.write(`bench: wrote ${docPath}\n`);
// hostile.js exits 1 when a property fails: it ran, and its failures are in the document.
process.exit(results.every((r) => r.code === 0 || r.id === 'daemon' || (r.id === 'hostile-properties' && r.code === 1)) ? 0 : 1);
