/**
 * PostgreSQL ingest benchmark: the same load as ingest.ts (mix a, ~2 KB reports, keep-alive connections on
 * loopback) against `farmwatch server` on SQLite, on PostgreSQL with one replica, and on PostgreSQL with two replicas
 * (connections split between them), for every `--root DIR [--label TEXT]` (roots.ts; `npm run bench` passes this
 * checkout and its base build), each configuration of every root one after the other so that all see the same
 * machine. PostgreSQL is a throwaway cluster (test/helpers/pg-cluster.ts) with fsync on, as in production.
 *
 * Measured from outside the server, so that a base commit without counters is measured alike:
 * - round trips per report: a hook loaded into each server process counts every Sync and simple Query it writes to
 *   PostgreSQL (pg-wire-count.ts; no proxy in the way, which would slow every round trip);
 * - CPU per report: the server processes (all threads, /proc/PID/stat) and the PostgreSQL cluster (postmaster and
 *   its backends), over the load only (enrollment excluded).
 * Also the bytes one stored report takes in PostgreSQL (table, TOAST and indexes), for sizing.
 *
 *   npm run build && node dist/scripts/bench/ingest-pg.js [--root DIR [--label TEXT]]... [--seconds 10] [--connections 50] [--devices 200] [--rounds 1]
 *
 * Prints one JSON line per root, configuration and round, one with the storage figures per root, and one with the
 * ratios of the first root (read by scripts/bench/run-all.ts): with --rounds N, the medians of the N rounds' ratios,
 * each round's runs side by side (these figures move by a fifth from one run to the next on two shared cores).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { freshDatabase, startPgCluster } from '../../test/helpers/pg-cluster.js';
import { jsonSender, liftLimits, reportBody } from './ingest-load.js';
import { wireCountRequest, type WireCounts } from './pg-wire-count.js';
import { clusterCpuUs, postmasterPid, processCpuUs } from './proc-cpu.js';
import { benchRoots, rootOptions, type BenchRoot } from './roots.js';
import { benchArgs } from './args.js';
import { median } from './median.js';

const parsed = benchArgs({
  options: {
    ...rootOptions,
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    devices: { type: 'string', default: '200' },
    // Rounds of the three configurations for the first root (the others run once): its ratios are the medians of
    // each round's, read side by side in that round.
    rounds: { type: 'string', default: '1' },
    // PostgreSQL batches in flight per replica (config database.ingestBatches); unset, each build's default.
    'ingest-batches': { type: 'string' },
  },
  tokens: true,
});
const { values } = parsed;
const roots = benchRoots(parsed);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const deviceCount = Number(values.devices);
const ingestBatches = values['ingest-batches'] === undefined ? undefined : Number(values['ingest-batches']);
const rounds = Number(values.rounds);
if (!(Number.isInteger(rounds) && rounds >= 1 && rounds <= 10)) {
  process.stderr.write(`ingest-pg: --rounds takes a whole number from 1 to 10, not ${JSON.stringify(values.rounds)}\n`);
  process.exit(2);
}
if (ingestBatches !== undefined && !(Number.isInteger(ingestBatches) && ingestBatches >= 1 && ingestBatches <= 16)) {
  process.stderr.write(`ingest-pg: --ingest-batches takes a whole number from 1 to 16, not ${JSON.stringify(values['ingest-batches'])}\n`);
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-pg-'));
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };
const send = jsonSender(connections);

async function startServer(root: BenchRoot, db: string, name: string): Promise<{ url: string; child: ChildProcess }> {
  const config = join(dir, `${name}.json`);
  // A build older than database.ingestBatches refuses the key: the option is for builds that have it.
  const database = ingestBatches !== undefined && db.startsWith('postgres') ? { database: { url: db, ingestBatches } } : { db };
  writeFileSync(config, JSON.stringify({ ...secrets, ...database, log: { level: 'warn' } }));
  // FARMWATCH_BENCH_NODE_ARGS (e.g. --cpu-prof) passes flags to the server processes when profiling them.
  const nodeArgs = (process.env.FARMWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // On PostgreSQL, the wire counter (this checkout's, whatever the build measured) and an IPC channel to ask it.
  const counting = db.startsWith('postgres');
  const hook = counting ? ['--import', pathToFileURL(join(here, 'pg-wire-count.js')).href] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...hook, join(root.dir, 'dist', 'cli', 'cli.js'), 'server', '--config', config, '--port', '0'], {
    stdio: counting ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
    env: counting ? { ...process.env, FARMWATCH_BENCH_PG_PORT: new URL(db).port || '5432' } : process.env,
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(c.toString());
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });

interface Meter {
  start(): Promise<void>;
  /** Figures since start(), per accepted report. */
  stop(accepted: number): Promise<Record<string, number>>;
}

/** Round trips to PostgreSQL so far, summed over `children` (pg-wire-count.ts, through each one's IPC channel). */
async function roundTrips(children: ChildProcess[]): Promise<number> {
  const each = await Promise.all(children.map((child) => new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ingest-pg: a server did not answer the round-trip count in 5 s')), 5_000);
    const onMessage = (m: { pgWireCount?: WireCounts }) => {
      if (!m.pgWireCount) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.pgWireCount.roundTrips);
    };
    child.on('message', onMessage);
    child.send(wireCountRequest);
  })));
  return each.reduce((a, b) => a + b, 0);
}

/** Enrolls the devices through the first replica, sends each one report, then fires reports for `seconds`, connection i to replica i mod n. */
async function load(urls: string[], label: Record<string, unknown>, meter: Meter): Promise<Record<string, unknown>> {
  // Before any report: every replica reads the policy's limits on its first request.
  await liftLimits(urls[0] ?? '', secrets.adminToken);
  const tokens: [string, string][] = [];
  for (let i = 0; i < deviceCount; i++) {
    const deviceId = `bench-${i}`;
    const r = await send(urls[0] ?? '', '/api/v1/enroll', JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: deviceId, platform: 'linux', agentVersion: '0.1.0' }), {});
    tokens.push([deviceId, (JSON.parse(r.text) as { token: string }).token]);
  }
  // Untimed warm-up: every device's first report (a device new to the fleet moves the fleet counts; a fleet in steady
  // state knows its devices), and the server's first batches.
  const warm = [...tokens];
  await Promise.all(Array.from({ length: connections }, async (_, w) => {
    for (let t = warm.shift(); t; t = warm.shift()) await send(urls[w % urls.length] ?? '', '/api/v1/reports', reportBody(t[0]), { authorization: `Bearer ${t[1]}` });
  }));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  async function worker(w: number): Promise<void> {
    const url = urls[w % urls.length] ?? '';
    while (performance.now() < deadline) {
      const [deviceId, token] = tokens[next++ % tokens.length] as [string, string];
      const t0 = performance.now();
      const r = await send(url, '/api/v1/reports', reportBody(deviceId), { authorization: `Bearer ${token}` });
      latencies.push(performance.now() - t0);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }
  await meter.start();
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1));
  const accepted = statuses.get(202) ?? 0;
  // A run that stored nothing (refused tokens, a server that failed) is a broken benchmark, not a figure of 0.
  if (!accepted) throw new Error(`ingest-pg: ${String(label.label)} ${String(label.engine)} ×${String(label.replicas)} accepted no report (statuses ${JSON.stringify(Object.fromEntries(statuses))})`);
  const figures = await meter.stop(accepted);
  const result = {
    ...label, connections, devices: deviceCount, seconds: Math.round(elapsed * 10) / 10, accepted,
    reportsPerSec: Math.round(accepted / elapsed), statuses: Object.fromEntries(statuses), p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99), ...figures,
  };
  const extra = Object.entries(figures).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${String(label.label)} ${String(label.engine)} ×${String(label.replicas)}: ${result.reportsPerSec} reports/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${extra}, statuses ${JSON.stringify(result.statuses)}`);
  return result;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Server CPU of `children`; with `pgPid`, PostgreSQL's CPU and the servers' round trips to it too. */
function meterOf(children: ChildProcess[], pgPid?: number): Meter {
  let server = 0;
  let cluster = 0;
  let trips = 0;
  const serverCpu = () => children.reduce((sum, child) => sum + processCpuUs(child.pid!), 0);
  return {
    async start() {
      if (pgPid) trips = await roundTrips(children);
      server = serverCpu();
      cluster = pgPid ? clusterCpuUs(pgPid) : 0;
    },
    async stop(accepted) {
      const per = (x: number) => (accepted ? x / accepted : 0);
      const out: Record<string, number> = { serverCpuUsPerReport: Math.round(per(serverCpu() - server)) };
      if (pgPid) {
        out.pgCpuUsPerReport = Math.round(per(clusterCpuUs(pgPid) - cluster));
        out.roundTripsPerReport = round(per((await roundTrips(children)) - trips));
      }
      return out;
    },
  };
}

const cluster = await startPgCluster({ durable: true });
const pgPid = postmasterPid(cluster.dataDir);
const children: ChildProcess[] = [];
try {
  const lines: Record<string, unknown>[] = [];
  const storage: Record<string, unknown>[] = [];
  const lastDb = new Map<BenchRoot, string>();
  const configs = [{ engine: 'sqlite', replicas: 1 }, { engine: 'postgres', replicas: 1 }, { engine: 'postgres', replicas: 2 }] as const;
  // Each configuration for every root before the next configuration: a change in machine load falls on all alike.
  // Further rounds run the first root's three configurations again, in the same order.
  for (let round = 1; round <= rounds; round++) for (const config of configs) {
    for (const root of round === 1 ? roots : roots.slice(0, 1)) {
      const label = { label: root.label, commit: root.commit?.slice(0, 12), ...config, ...(rounds > 1 ? { round } : {}) };
      if (config.engine === 'sqlite') {
        // SQLite first, on this same machine, same load: the figure beside which PostgreSQL's are read.
        const s = await startServer(root, join(dir, `bench-${roots.indexOf(root)}-${round}.db`), `sqlite-${roots.indexOf(root)}`);
        children.push(s.child);
        lines.push(await load([s.url], label, meterOf([s.child])));
        await stop(s.child);
        continue;
      }
      const db = await freshDatabase(cluster.url);
      lastDb.set(root, db);
      const servers = await Promise.all(Array.from({ length: config.replicas }, (_, i) => startServer(root, db, `pg-${config.replicas}-${i}`)));
      children.push(...servers.map((s) => s.child));
      lines.push(await load(servers.map((s) => s.url), label, meterOf(servers.map((s) => s.child), pgPid)));
      await Promise.all(servers.map((s) => stop(s.child)));
    }
  }

  // Sizing: what each root's last run stored, per report (report tables with TOAST and indexes; the whole database).
  for (const root of roots) {
    const client = new pg.Client({ connectionString: lastDb.get(root) });
    // A connection the cluster drops (it stops when a step fails) is that step's error, not a crash of the benchmark.
    client.on('error', (err) => process.stderr.write(`ingest-pg: sizing connection: ${err.message}\n`));
    await client.connect();
    await client.query('VACUUM ANALYZE');
    // A build from before compact storage has no body_z column: its bodies are all in body.
    const compact = (await client.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'reports' AND column_name = 'body_z'")).rowCount;
    const bodyBytes = compact ? 'octet_length(body) + coalesce(octet_length(body_z), 0)' : 'octet_length(body)';
    // Since schema version 11 an unchanged report is a row of `heartbeats`: counted, and its table sized, with the reports.
    const narrow = (await client.query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'heartbeats'")).rowCount;
    const beats = narrow ? " + (SELECT count(*) FROM heartbeats)" : '';
    const beatBytes = narrow ? " + pg_total_relation_size('heartbeats')" : '';
    const { rows } = await client.query<{ n: string; reports: string; database: string; body: string }>(
      `SELECT count(*)${beats} AS n, pg_total_relation_size('reports')${beatBytes} AS reports, pg_database_size(current_database()) AS database, avg(${bodyBytes}) AS body FROM reports`,
    );
    await client.end();
    const r = rows[0];
    const n = Number(r?.n ?? 0);
    const perReport = n ? Math.round(Number(r?.reports) / n) : 0;
    // An agent reports every 5 minutes: 288 reports a day.
    const perThousandPerDay = perReport * 288 * 1000;
    console.log(`${root.label} storage: ${n} reports, ${perReport} B each in PostgreSQL (body ${Math.round(Number(r?.body))} B); 1,000 laptops × 288 reports/day ≈ ${(perThousandPerDay / 2 ** 20).toFixed(0)} MiB/day`);
    storage.push({ storage: true, label: root.label, reports: n, bytesPerReport: perReport, bodyBytes: Math.round(Number(r?.body)), databaseBytes: Number(r?.database), mibPer1000LaptopsPerDay: Math.round(perThousandPerDay / 2 ** 20) });
  }
  for (const line of [...lines, ...storage]) console.log(JSON.stringify(line));
  const first = roots[0]!.label;
  const of = (engine: string, replicas: number, r: number) =>
    lines.find((l) => l.label === first && l.engine === engine && l.replicas === replicas && (rounds === 1 || l.round === r))?.reportsPerSec as number | undefined;
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? round(a / b, 3) : undefined);
  // Each round's ratios come from runs minutes apart at most; the medians over rounds are the figures.
  const each = Array.from({ length: rounds }, (_, i) => ({ pg1OverSqlite: ratio(of('postgres', 1, i + 1), of('sqlite', 1, i + 1)), pg2OverPg1: ratio(of('postgres', 2, i + 1), of('postgres', 1, i + 1)) }));
  const middle = (xs: (number | undefined)[]) => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length ? median(known) : undefined;
  };
  console.log(JSON.stringify({
    ratios: true, label: first, rounds,
    pg1OverSqlite: middle(each.map((e) => e.pg1OverSqlite)), pg2OverPg1: middle(each.map((e) => e.pg2OverPg1)),
    ...(rounds > 1 ? { byRound: each } : {}),
  }));
} finally {
  send.close();
  await Promise.all(children.map(stop));
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
