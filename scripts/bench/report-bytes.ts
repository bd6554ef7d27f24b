/**
 * Bytes stored per report, and per laptop-day, on a real agent's report sequence: test/fixtures/reports/
 * linux-agent-60.jsonl, 60 consecutive reports of an enrolled `farmwatch run` (intervalSec 5) as its server stored
 * them. Each `--root DIR [--label TEXT]` (roots.ts; `npm run bench` passes this checkout and its base build) runs a
 * real `farmwatch server` on a fresh SQLite file (and, with --postgres, on a fresh database of a throwaway PostgreSQL
 * cluster), enrolls `--devices` laptops, and posts each laptop the sequence in order, cycle by cycle across the
 * laptops, over HTTP (ids and times made fresh, nothing else changed). Then it stops the server and measures what the
 * reports take: the `reports` table, and `heartbeats` where the root has it (schema version 11), with their indexes:
 * SQLite's pages (dbstat, after a checkpoint), PostgreSQL's pg_total_relation_size (after VACUUM). A laptop-day is
 * 288 reports (one every 5 minutes). 100 laptops by default: with fewer, the tables' fixed pages (free space maps,
 * visibility maps, index metapages: ~150 KB a PostgreSQL database, not per laptop-day) weigh in the figure (two fifths
 * of PostgreSQL's at 20 laptops, schema version 12).
 *
 *   npm run build && node dist/scripts/bench/report-bytes.js [--root DIR [--label TEXT]]... [--devices 100] [--postgres] [--findings 0..3]
 *
 * --findings N adds the first N findings of the ingest benchmark's mix a (AnyDesk running, a time zone, a VPN; ingest-load.ts)
 * to every report of the sequence, the same in every cycle: a laptop with something to report (bodies of about 2 KB).
 *
 * Prints one JSON line per root and engine, then, with two roots or more, one line with the ratio of bytes per
 * laptop-day first root / second root per engine. Also the CPU this checkout spends per report on the facts hash and
 * the compression (in this process, on the same bodies).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newReportId } from '../../agent/report-id.js';
import { freshDatabase, pgBinDir, startPgCluster, type PgCluster } from '../../test/helpers/pg-cluster.js';
import { factsHash } from '../../server/ingest/report-facts.js';
import { compressBody } from '../../server/db/report-body.js';
import { benchRoots, rootOptions } from './roots.js';
import { finding, liftLimits } from './ingest-load.js';
import { benchArgs } from './args.js';

const parsed = benchArgs({
  options: { ...rootOptions, devices: { type: 'string', default: '100' }, postgres: { type: 'boolean', default: false }, findings: { type: 'string', default: '0' } },
  tokens: true,
});
const { values } = parsed;
const roots = benchRoots(parsed);
const devices = Number(values.devices);
const findings = Number(values.findings);
if (!(Number.isInteger(devices) && devices >= 1 && devices <= 500) || !(Number.isInteger(findings) && findings >= 0 && findings <= 3)) {
  process.stderr.write('report-bytes: --devices must be an integer from 1 to 500, --findings from 0 to 3\n');
  process.exit(2);
}
const reportsPerDay = 288;
const fixture = fileURLToPath(new URL('../../../test/fixtures/reports/linux-agent-60.jsonl', import.meta.url));
const sequence = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .map((r) => (findings ? { ...r, findings: [...(r.findings as unknown[]), ...Array.from({ length: findings }, (_, i) => finding(i))] } : r));
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-bytes-'));
const children: ChildProcess[] = [];

/**
 * Report `i` of the sequence as laptop `deviceId` sends it now: fresh times (their spacing kept), a fresh id as the
 * agent makes them (time-ordered, stamped with the collection time: agent/report.ts; the recording's agent stamped the
 * time it built the report), the same facts.
 */
function reportNow(i: number, deviceId: string): string {
  const r = sequence[i]!;
  const now = Date.now();
  const collected = Date.parse(r.collectedAt as string);
  const shift = (t: unknown) => new Date(Date.parse(t as string) - collected + now - 50).toISOString();
  return JSON.stringify({ ...r, reportId: newReportId(now - 50), deviceId, collectedAt: shift(r.collectedAt), sentAt: shift(r.sentAt), nextReportBy: shift(r.nextReportBy) });
}

async function startServer(root: string, db: string, name: string): Promise<{ url: string; child: ChildProcess }> {
  const config = join(dir, `${name}.json`);
  writeFileSync(config, JSON.stringify({ ...secrets, db, log: { level: 'warn' } }));
  const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'cli.js'), 'server', '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

async function post(url: string, path: string, body: string, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 202) throw new Error(`POST ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Enrolls the laptops, then posts the sequence cycle by cycle across them; returns how many reports were accepted. */
async function feed(url: string): Promise<number> {
  // The sequence fits the default burst of one device; lifted anyway where the server allows it.
  await liftLimits(url, secrets.adminToken).catch((err: unknown) => process.stderr.write(`report-bytes: rate limits not lifted (${(err as Error).message}); the default burst suffices\n`));
  const tokens: [string, string][] = [];
  for (let d = 0; d < devices; d++) {
    const deviceId = `bench-laptop-${String(d).padStart(3, '0')}`;
    const r = await post(url, '/api/v1/enroll', JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: `${deviceId}.local`, platform: 'linux', agentVersion: '0.1.0' }));
    tokens.push([deviceId, r.token as string]);
  }
  let accepted = 0;
  for (let i = 0; i < sequence.length; i++) {
    for (const [deviceId, token] of tokens) {
      const r = await post(url, '/api/v1/reports', reportNow(i, deviceId), token);
      if (r.accepted) accepted++;
    }
  }
  return accepted;
}

/** The report tables (`reports`, and `heartbeats` where there is one). */
const reportTables = ['reports', 'heartbeats'];

/** The report tables and their indexes in a SQLite file: pages (dbstat) after a checkpoint. */
function sqliteBytes(file: string): { bytes: number; rows: number } {
  const db = new Database(file);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${reportTables.map(() => '?').join(', ')})`).all(...reportTables) as { name: string }[]).map((r) => r.name);
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE tbl_name IN (${tables.map(() => '?').join(', ')})`).all(...tables) as { name: string }[]).map((r) => r.name);
    const size = db.prepare(`SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name IN (${names.map(() => '?').join(', ')})`).get(...names) as { bytes: number };
    const rows = tables.reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0);
    return { bytes: Number(size.bytes), rows };
  } finally {
    db.close();
  }
}

/** The report tables with their TOAST and indexes in PostgreSQL, after VACUUM. */
async function postgresBytes(url: string): Promise<{ bytes: number; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ t: string }>('SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1)', [reportTables])).rows.map((r) => r.t);
    let bytes = 0;
    let n = 0;
    for (const t of tables) {
      await client.query(`VACUUM ANALYZE ${t}`);
      const { rows } = await client.query<{ n: string; bytes: string }>(`SELECT count(*) AS n, pg_total_relation_size('${t}') AS bytes FROM ${t}`);
      bytes += Number(rows[0]?.bytes ?? 0);
      n += Number(rows[0]?.n ?? 0);
    }
    return { bytes, rows: n };
  } finally {
    await client.end();
  }
}

/** This checkout's CPU per report for what the ingest adds: the facts hash of each, the compression of a full one. */
function cpuPerReport(): { factsHashUs: number; compressUs: number; bodyBytes: number; compressedBytes: number } {
  const bodies = sequence.map((r) => JSON.stringify(r));
  // CPU time, not wall time: the machine may be shared.
  const time = (f: (b: string) => unknown) => {
    for (const b of bodies) f(b);
    const rounds = 50;
    const t = process.cpuUsage();
    for (let k = 0; k < rounds; k++) for (const b of bodies) f(b);
    const used = process.cpuUsage(t);
    return Math.round(((used.user + used.system) / (rounds * bodies.length)) * 10) / 10;
  };
  const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    factsHashUs: time(factsHash),
    compressUs: time(compressBody),
    bodyBytes: avg(bodies.map((b) => Buffer.byteLength(b))),
    compressedBytes: avg(bodies.map((b) => compressBody(b).length)),
  };
}

interface Line {
  label: string;
  root: string;
  commit: string | undefined;
  engine: 'sqlite' | 'postgres';
  devices: number;
  findings: number;
  reports: number;
  bytes: number;
  bytesPerReport: number;
  bytesPerLaptopDay: number;
}

const lines: Line[] = [];
let cluster: PgCluster | undefined;
try {
  if (values.postgres) {
    if (!pgBinDir()) throw new Error('--postgres: PostgreSQL is not installed (apt-get install -y postgresql)');
    cluster = await startPgCluster();
  }
  for (const [k, root] of roots.entries()) {
    const engines: ('sqlite' | 'postgres')[] = cluster ? ['sqlite', 'postgres'] : ['sqlite'];
    for (const engine of engines) {
      const db = engine === 'sqlite' ? join(dir, `root-${k}.db`) : await freshDatabase(cluster!.url);
      const server = await startServer(root.dir, db, `root-${k}-${engine}`);
      const accepted = await feed(server.url);
      await stop(server.child);
      const { bytes, rows } = engine === 'sqlite' ? sqliteBytes(db) : await postgresBytes(db);
      if (rows !== accepted) throw new Error(`${root.label} (${engine}): ${accepted} reports accepted, ${rows} stored`);
      const perReport = bytes / rows;
      const line: Line = {
        label: root.label, root: root.dir, commit: root.commit?.slice(0, 12), engine, devices, findings, reports: rows, bytes,
        bytesPerReport: Math.round(perReport), bytesPerLaptopDay: Math.round(perReport * reportsPerDay),
      };
      lines.push(line);
      console.log(`${root.label} (${engine}): ${rows} reports of ${devices} laptops, ${bytes} B of report tables and indexes: ${line.bytesPerReport} B per report, ${(line.bytesPerLaptopDay / 1024).toFixed(1)} KiB per laptop-day (${((line.bytesPerLaptopDay * 1000) / 2 ** 20).toFixed(0)} MiB a day per 1,000 laptops)`);
      console.log(JSON.stringify(line));
    }
  }
  const cpu = cpuPerReport();
  console.log(`this checkout, per report of the sequence: facts hash ${cpu.factsHashUs} µs, compression ${cpu.compressUs} µs (${cpu.bodyBytes} → ${cpu.compressedBytes} B)`);
  console.log(JSON.stringify({ cpu: true, ...cpu }));
  const first = roots[0];
  const second = roots[1];
  if (first && second) {
    for (const engine of ['sqlite', 'postgres'] as const) {
      const a = lines.find((l) => l.root === first.dir && l.engine === engine);
      const b = lines.find((l) => l.root === second.dir && l.engine === engine);
      if (a && b) console.log(JSON.stringify({ ratio: Math.round((a.bytesPerLaptopDay / b.bytesPerLaptopDay) * 1000) / 1000, engine, of: [first.label, second.label] }));
    }
  }
} finally {
  await Promise.all(children.map(stop));
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}
