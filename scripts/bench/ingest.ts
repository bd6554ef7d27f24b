/**
 * Ingest benchmark: `farmwatch server` in a child process on loopback (SQLite in a temp dir), N enrolled
 * devices, 50 keep-alive connections firing reports for a bounded time. Prints reports/s and latency
 * percentiles; writes nothing but its temp dir, which it removes.
 *
 *   npm run build && node dist/scripts/bench/ingest.js [--mix a|b] [--seconds 10] [--runs 1] [--connections 50] [--devices 200]
 *     [--signed] [--workers off,auto]
 * With --runs N the load runs N times against the same server; the run with the median reports/s is the result.
 * An untimed warm-up run (--warmup seconds, default 2) comes first.
 *
 * Mix a: ~2 KB reports with three findings and no snapshot. Mix b: the same plus a ~30 KB snapshot.
 * --signed: each device enrolls an Ed25519 key and signs every report, as agents do (the load generator pays the signing).
 * --workers LIST: one server per `ingestWorkers` value (off = 0, auto, or a number), all started first, their runs
 * alternated (off, auto, 1, off, auto, 1, …) so that the machine's load falls on each alike; one JSON line per value,
 * then last a comparison line (reports/s of each against the first). "auto" starts a worker only with a core to spare
 * (server/ingest-pool/scale.ts); a number starts one under load whatever the machine's load. Server CPU counts every thread of the server process (/proc/PID/stat), workers included.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signedBytes, signatureHeaders } from '../../schema/signing.js';
import { jsonSender, liftLimits, reportBody } from './ingest-load.js';
import { statCpuUs } from './proc-cpu.js';
import { benchArgs } from './args.js';

const { values } = benchArgs({
  options: {
    mix: { type: 'string', default: 'a' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    devices: { type: 'string', default: '200' },
    runs: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    signed: { type: 'boolean', default: false },
    workers: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const deviceCount = Number(values.devices);
const runs = Math.max(1, Math.min(9, Number(values.runs)));
const withSnapshot = values.mix === 'b';
const signed = values.signed;
/** undefined: the config's default. */
const workerSettings: (string | undefined)[] = values.workers ? values.workers.split(',').map((w) => w.trim()) : [undefined];
for (const w of workerSettings) {
  if (w !== undefined && w !== 'off' && w !== 'auto' && !/^\d+$/.test(w)) {
    console.error(`ingest: --workers takes off, auto or a number, comma-separated (got ${w})`);
    process.exit(2);
  }
}
const ingestWorkersOf = (w: string | undefined) => (w === undefined ? {} : { ingestWorkers: w === 'off' ? 0 : w === 'auto' ? 'auto' : Number(w) });

const cli = fileURLToPath(new URL('../../cli/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };

// ~30 KB: the processes and connections a snapshot carries, in the shape the agent sends.
const snapshot = {
  schemaVersion: 1,
  processes: Array.from({ length: 160 }, (_, i) => ({ pid: 1000 + i, ppid: 1, name: `proc-${i}`, path: `/usr/bin/proc-${i}`, cmdline: `/usr/bin/proc-${i} --flag`, user: 'alice' })),
  connections: Array.from({ length: 60 }, (_, i) => ({ proto: 'tcp', localAddress: '10.0.0.5', localPort: 40000 + i, remoteAddress: '93.184.216.34', remotePort: 443, state: 'ESTABLISHED' })),
};


/** CPU ms a process has used, all its threads (utime + stime of /proc/PID/stat): the server's cost per report moves less with load than reports/s. */
function cpuMsOf(pid: number | undefined): number {
  return pid === undefined ? NaN : statCpuMs(`/proc/${pid}/stat`);
}

/** CPU ms of the process's main thread alone (/proc/PID/task/PID/stat): the serial part, which bounds reports/s when cores are free. */
function mainCpuMsOf(pid: number | undefined): number {
  return pid === undefined ? NaN : statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/** CPU ms of a /proc stat file; NaN where there is none (not Linux). */
function statCpuMs(file: string): number {
  return (statCpuUs(file) ?? NaN) / 1000;
}

async function startServer(name: string, workers: string | undefined): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...secrets, log: { level: 'warn' }, ...ingestWorkersOf(workers) }));
  // FARMWATCH_BENCH_NODE_ARGS (e.g. --cpu-prof) passes flags to the server process when profiling it.
  const nodeArgs = (process.env.FARMWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cli, 'server', '--config', join(dir, `${name}.json`), '--port', '0', '--db', join(dir, `${name}.db`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(c.toString());
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Device {
  deviceId: string;
  token: string;
  key?: KeyObject;
}

/** The signature headers an agent sends with `body` (schema/signing.ts). */
function signatureOf(key: KeyObject, body: string): Record<string, string> {
  const timestamp = String(Date.now());
  const nonce = randomBytes(16).toString('base64url');
  return { [signatureHeaders.timestamp]: timestamp, [signatureHeaders.nonce]: nonce, [signatureHeaders.signature]: sign(null, signedBytes(timestamp, nonce, body), key).toString('base64') };
}

/** One series of the server's /metrics (0 when absent). */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${secrets.adminToken}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

/** A server (one `ingestWorkers` value) with its devices enrolled. */
async function target(workers: string | undefined, index: number) {
  const server = await startServer(`server-${index}`, workers);
  const send = jsonSender(connections);
  const devices: Device[] = [];
  try {
    await enrollAll(server.url, send, devices);
  } catch (err) {
    send.close();
    await server.stop();
    throw err;
  }
  return { workers: workers ?? 'default', server, send, devices };
}
type Target = Awaited<ReturnType<typeof target>>;

async function enrollAll(url: string, send: ReturnType<typeof jsonSender>, devices: Device[]): Promise<void> {
  await liftLimits(url, secrets.adminToken);
  for (let i = 0; i < deviceCount; i++) {
    const deviceId = `bench-${i}`;
    const pair = signed ? generateKeyPairSync('ed25519') : undefined;
    const publicKey = pair ? { publicKey: (pair.publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64') } : {};
    const r = await send(url, '/api/v1/enroll', JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: deviceId, platform: 'linux', agentVersion: '0.1.0', ...publicKey }), {});
    const token = (JSON.parse(r.text) as { token?: string }).token;
    if (!token) throw new Error(`enroll ${deviceId}: HTTP ${r.status} ${r.text}`);
    devices.push({ deviceId, token, ...(pair ? { key: pair.privateKey } : {}) });
  }
}

/** One timed run against `t`: `connections` keep-alive senders for `seconds`. */
async function loadRun(t: Target, seconds: number) {
  const { url, pid } = t.server;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      const device = t.devices[next++ % t.devices.length] as Device;
      const body = reportBody(device.deviceId, withSnapshot ? snapshot : undefined);
      const t0 = performance.now();
      const r = await t.send(url, '/api/v1/reports', body, { authorization: `Bearer ${device.token}`, ...(device.key ? signatureOf(device.key, body) : {}) });
      latencies.push(performance.now() - t0);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }
  const offloaded0 = await metric(url, 'farmwatch_ingest_offloaded_total');
  const started = performance.now();
  const serverCpu0 = cpuMsOf(pid);
  const mainCpu0 = mainCpuMsOf(pid);
  const loadCpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuMs = cpuMsOf(pid) - serverCpu0;
  const mainCpuMs = mainCpuMsOf(pid) - mainCpu0;
  const loadCpu = process.cpuUsage(loadCpu0);
  const offloaded = (await metric(url, 'farmwatch_ingest_offloaded_total')) - offloaded0;
  const poolWorkers = await metric(url, 'farmwatch_ingest_workers');
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1));
  const accepted = statuses.get(202) ?? 0;
  return {
    seconds: Math.round(elapsed * 10) / 10,
    accepted,
    reportsPerSec: Math.round(accepted / elapsed),
    statuses: Object.fromEntries(statuses),
    p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99), maxMs: Number(latencies.at(-1)?.toFixed(1)),
    serverCpuUsPerReport: Math.round((serverCpuMs * 1000) / Math.max(1, accepted)),
    serverCoresBusy: Math.round((serverCpuMs / 1000 / elapsed) * 100) / 100,
    mainThreadCpuUsPerReport: Math.round((mainCpuMs * 1000) / Math.max(1, accepted)),
    loadCpuUsPerReport: Math.round((loadCpu.user + loadCpu.system) / Math.max(1, accepted)),
    offloadedShare: Math.round((offloaded / Math.max(1, accepted)) * 100) / 100,
    poolWorkers,
  };
}
type RunResult = Awaited<ReturnType<typeof loadRun>>;

const targets: Target[] = [];
try {
  for (const [i, w] of workerSettings.entries()) targets.push(await target(w, i));
  const sample = reportBody('bench-0', withSnapshot ? snapshot : undefined);
  console.log(
    `mix ${values.mix} (${Buffer.byteLength(sample)} B/report, ${withSnapshot ? 'with' : 'no'} snapshot${signed ? ', signed' : ''}), ${connections} connections, ${deviceCount} devices, ${runs} run(s) of ${seconds} s` +
      (values.workers ? `, ingestWorkers ${workerSettings.join(' / ')} alternately` : ''),
  );
  // A server runs for months: its code is compiled and its caches warm. An untimed first run gets it there (and lets an
  // elastic worker pool start, as it would under a sustained load).
  const warmupSeconds = Math.max(0, Math.min(30, Number(values.warmup)));
  for (const t of targets) {
    if (warmupSeconds > 0) {
      const w = await loadRun(t, warmupSeconds);
      console.log(`warm-up${values.workers ? ` (workers ${t.workers})` : ''} (${warmupSeconds} s, not counted): ${w.reportsPerSec} reports/s`);
    }
  }
  const results = targets.map(() => [] as RunResult[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, t] of targets.entries()) {
      const r = await loadRun(t, seconds);
      results[k]!.push(r);
      console.log(
        `run ${i + 1}${values.workers ? ` (workers ${t.workers})` : ''}: accepted ${r.accepted} (${r.reportsPerSec} reports/s); statuses ${JSON.stringify(r.statuses)}; latency ms p50 ${r.p50Ms} p90 ${r.p90Ms} p99 ${r.p99Ms} max ${r.maxMs}; server CPU ${r.serverCpuUsPerReport} µs per report (${r.serverCoresBusy} cores busy; main thread ${r.mainThreadCpuUsPerReport} µs); load generator ${r.loadCpuUsPerReport} µs per report` +
          (values.workers ? `; ${Math.round(r.offloadedShare * 100)} % prepared on ${r.poolWorkers} worker(s)` : ''),
      );
    }
  }
  // The run with the median reports/s stands for the set; every run is listed above. One line per server, last.
  const medians = targets.map((t, k) => {
    const rs = results[k]!;
    const median = [...rs].sort((a, b) => a.reportsPerSec - b.reportsPerSec)[Math.floor(rs.length / 2)]!;
    const line = {
      mix: values.mix, signed, bytesPerReport: Buffer.byteLength(sample), connections, devices: deviceCount, runs,
      ...(values.workers ? { workers: t.workers } : {}),
      ...median,
      allRunsReportsPerSec: rs.map((r) => r.reportsPerSec),
      ...(values.workers ? { allRunsServerCpuUsPerReport: rs.map((r) => r.serverCpuUsPerReport) } : {}),
    };
    console.log(JSON.stringify(line));
    return line;
  });
  if (medians.length >= 2) {
    const first = medians[0]!;
    const ratio = (m: (typeof medians)[number]) => Math.round((m.reportsPerSec / Math.max(1, first.reportsPerSec)) * 1000) / 1000;
    console.log(
      JSON.stringify({
        workersCompare: medians.map((m) => ({ workers: m.workers, reportsPerSec: m.reportsPerSec, reportsPerSecRatio: ratio(m), serverCpuUsPerReport: m.serverCpuUsPerReport, mainThreadCpuUsPerReport: m.mainThreadCpuUsPerReport, loadCpuUsPerReport: m.loadCpuUsPerReport, p99Ms: m.p99Ms, offloadedShare: m.offloadedShare })),
        ratioOf: first.workers,
      }),
    );
  }
} finally {
  for (const t of targets) {
    t.send.close();
    await t.server.stop();
  }
  rmSync(dir, { recursive: true, force: true });
}
