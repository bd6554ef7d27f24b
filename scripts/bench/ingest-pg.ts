/**
 * PostgreSQL ingest benchmark: the same load as ingest.ts (mix a, ~2 KB reports, keep-alive connections on
 * loopback) against `farmwatch server` on SQLite, on PostgreSQL with one replica, and on PostgreSQL with two replicas
 * (connections split between them). PostgreSQL is a throwaway cluster (test/helpers/pg-cluster.ts) with fsync on, as in
 * production. Also measures the bytes one stored report takes in PostgreSQL (table, TOAST and indexes), for sizing.
 *
 *   npm run build && node dist/scripts/bench/ingest-pg.js [--seconds 10] [--connections 50] [--devices 200]
 *
 * Prints one JSON line per configuration, then one with the storage figures (read by scripts/bench/run-all.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freshDatabase, startPgCluster } from '../../test/helpers/pg-cluster.js';
import { jsonSender, liftLimits, reportBody } from './ingest-load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    devices: { type: 'string', default: '200' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const deviceCount = Number(values.devices);

const cli = fileURLToPath(new URL('../../cli/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-pg-'));
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };
const send = jsonSender(connections);


async function startServer(db: string, name: string): Promise<{ url: string; child: ChildProcess }> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ ...secrets, db, log: { level: 'warn' } }));
  const child = spawn(process.execPath, [cli, 'server', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
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

/** Enrolls the devices through the first replica, then fires reports for `seconds`, connection i to replica i mod n. */
async function load(urls: string[], label: Record<string, unknown>): Promise<Record<string, unknown>> {
  // Before any report: every replica reads the policy's limits on its first request.
  await liftLimits(urls[0] ?? '', secrets.adminToken);
  const tokens: [string, string][] = [];
  for (let i = 0; i < deviceCount; i++) {
    const deviceId = `bench-${i}`;
    const r = await send(urls[0] ?? '', '/api/v1/enroll', JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: deviceId, platform: 'linux', agentVersion: '0.1.0' }), {});
    tokens.push([deviceId, (JSON.parse(r.text) as { token: string }).token]);
  }
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
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1));
  const accepted = statuses.get(202) ?? 0;
  const result = {
    ...label, connections, devices: deviceCount, seconds: Math.round(elapsed * 10) / 10, accepted,
    reportsPerSec: Math.round(accepted / elapsed), statuses: Object.fromEntries(statuses), p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99),
  };
  console.log(`${JSON.stringify(label)}: ${result.reportsPerSec} reports/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, statuses ${JSON.stringify(result.statuses)}`);
  return result;
}

const cluster = await startPgCluster({ durable: true });
const children: ChildProcess[] = [];
try {
  const lines: Record<string, unknown>[] = [];
  // SQLite first, on this same machine, same load: the figure beside which PostgreSQL's are read.
  const sqlite = await startServer(join(dir, 'bench.db'), 'sqlite');
  children.push(sqlite.child);
  lines.push(await load([sqlite.url], { engine: 'sqlite', replicas: 1 }));
  await stop(sqlite.child);

  let lastDb = '';
  for (const replicas of [1, 2]) {
    lastDb = await freshDatabase(cluster.url);
    const servers = await Promise.all(Array.from({ length: replicas }, (_, i) => startServer(lastDb, `pg-${replicas}-${i}`)));
    children.push(...servers.map((s) => s.child));
    lines.push(await load(servers.map((s) => s.url), { engine: 'postgres', replicas }));
    await Promise.all(servers.map((s) => stop(s.child)));
  }

  // Sizing: what the last run stored, per report (reports table with TOAST and indexes; the whole database).
  const client = new pg.Client({ connectionString: lastDb });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  const { rows } = await client.query<{ n: string; reports: string; database: string; body: string }>(
    "SELECT count(*) AS n, pg_total_relation_size('reports') AS reports, pg_database_size(current_database()) AS database, avg(octet_length(body) + coalesce(octet_length(body_z), 0)) AS body FROM reports",
  );
  await client.end();
  const r = rows[0];
  const n = Number(r?.n ?? 0);
  const perReport = n ? Math.round(Number(r?.reports) / n) : 0;
  // An agent reports every 5 minutes: 288 reports a day.
  const perThousandPerDay = perReport * 288 * 1000;
  console.log(`storage: ${n} reports, ${perReport} B each in PostgreSQL (body ${Math.round(Number(r?.body))} B); 1,000 laptops × 288 reports/day ≈ ${(perThousandPerDay / 2 ** 20).toFixed(0)} MiB/day`);
  for (const line of lines) console.log(JSON.stringify(line));
  console.log(JSON.stringify({ storage: true, reports: n, bytesPerReport: perReport, bodyBytes: Math.round(Number(r?.body)), databaseBytes: Number(r?.database), mibPer1000LaptopsPerDay: Math.round(perThousandPerDay / 2 ** 20) }));
} finally {
  send.close();
  await Promise.all(children.map(stop));
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
