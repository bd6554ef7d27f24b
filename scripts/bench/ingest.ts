/**
 * Ingest benchmark: `farmwatch server` in a child process on loopback (SQLite in a temp dir), N enrolled
 * devices, 50 keep-alive connections firing reports for a bounded time. Prints reports/s and latency
 * percentiles; writes nothing but its temp dir, which it removes.
 *
 *   npm run build && node dist/scripts/bench/ingest.js [--mix a|b] [--seconds 10] [--runs 1] [--connections 50] [--devices 200]
 * With --runs N the load runs N times against the same server; the run with the median reports/s is the result.
 * An untimed warm-up run (--warmup seconds, default 2) comes first.
 *
 * Mix a: ~2 KB reports with three findings and no snapshot. Mix b: the same plus a ~30 KB snapshot.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jsonSender, liftLimits, reportBody } from './ingest-load.js';

const { values } = parseArgs({
  options: {
    mix: { type: 'string', default: 'a' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    devices: { type: 'string', default: '200' },
    runs: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const deviceCount = Number(values.devices);
const runs = Math.max(1, Math.min(9, Number(values.runs)));
const withSnapshot = values.mix === 'b';

const cli = fileURLToPath(new URL('../../cli/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };
writeFileSync(join(dir, 'server.json'), JSON.stringify({ ...secrets, log: { level: 'warn' } }));

const send = jsonSender(connections);

// ~30 KB: the processes and connections a snapshot carries, in the shape the agent sends.
const snapshot = {
  schemaVersion: 1,
  processes: Array.from({ length: 160 }, (_, i) => ({ pid: 1000 + i, ppid: 1, name: `proc-${i}`, path: `/usr/bin/proc-${i}`, cmdline: `/usr/bin/proc-${i} --flag`, user: 'alice' })),
  connections: Array.from({ length: 60 }, (_, i) => ({ proto: 'tcp', localAddress: '10.0.0.5', localPort: 40000 + i, remoteAddress: '93.184.216.34', remotePort: 443, state: 'ESTABLISHED' })),
};


/** CPU ms a process has used (utime + stime of /proc/PID/stat): the server's cost per report moves less with load than reports/s. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN; // not Linux
  }
}

async function startServer(): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  // FARMWATCH_BENCH_NODE_ARGS (e.g. --cpu-prof) passes flags to the server process when profiling it.
  const nodeArgs = (process.env.FARMWATCH_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cli, 'server', '--config', join(dir, 'server.json'), '--port', '0', '--db', join(dir, 'bench.db')], {
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

const { url, pid, stop } = await startServer();
try {
  await liftLimits(url, secrets.adminToken);
  const tokens: [string, string][] = [];
  for (let i = 0; i < deviceCount; i++) {
    const deviceId = `bench-${i}`;
    const r = await send(url, '/api/v1/enroll', JSON.stringify({ secret: secrets.enrollSecret, deviceId, hostname: deviceId, platform: 'linux', agentVersion: '0.1.0' }), {});
    tokens.push([deviceId, (JSON.parse(r.text) as { token: string }).token]);
  }
  const sample = reportBody('bench-0', withSnapshot ? snapshot : undefined);

  /** One timed run: `connections` keep-alive senders for `seconds`. */
  async function loadRun(seconds: number) {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const deadline = performance.now() + seconds * 1000;
    let next = 0;
    async function worker(): Promise<void> {
      while (performance.now() < deadline) {
        const [deviceId, token] = tokens[next++ % tokens.length] as [string, string];
        const body = reportBody(deviceId, withSnapshot ? snapshot : undefined);
        const t0 = performance.now();
        const r = await send(url, '/api/v1/reports', body, { authorization: `Bearer ${token}` });
        latencies.push(performance.now() - t0);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }
    const started = performance.now();
    const serverCpu0 = cpuMsOf(pid);
    await Promise.all(Array.from({ length: connections }, worker));
    const elapsed = (performance.now() - started) / 1000;
    const serverCpuMs = cpuMsOf(pid) - serverCpu0;
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
    };
  }

  const results: Awaited<ReturnType<typeof loadRun>>[] = [];
  console.log(`mix ${values.mix} (${Buffer.byteLength(sample)} B/report, ${withSnapshot ? 'with' : 'no'} snapshot), ${connections} connections, ${deviceCount} devices, ${runs} run(s) of ${seconds} s`);
  // A server runs for months: its code is compiled and its caches warm. An untimed first run gets it there.
  const warmupSeconds = Math.max(0, Math.min(30, Number(values.warmup)));
  if (warmupSeconds > 0) {
    const w = await loadRun(warmupSeconds);
    console.log(`warm-up (${warmupSeconds} s, not counted): ${w.reportsPerSec} reports/s`);
  }
  for (let i = 0; i < runs; i++) {
    const r = await loadRun(seconds);
    results.push(r);
    console.log(
      `run ${i + 1}: accepted ${r.accepted} (${r.reportsPerSec} reports/s); statuses ${JSON.stringify(r.statuses)}; latency ms p50 ${r.p50Ms} p90 ${r.p90Ms} p99 ${r.p99Ms} max ${r.maxMs}; server CPU ${r.serverCpuUsPerReport} µs per report (${r.serverCoresBusy} cores busy)`,
    );
  }
  // The run with the median reports/s stands for the set; every run is listed above.
  const median = [...results].sort((a, b) => a.reportsPerSec - b.reportsPerSec)[Math.floor(results.length / 2)]!;
  // Last line, for scripts/bench/run-all.ts.
  console.log(
    JSON.stringify({
      mix: values.mix, bytesPerReport: Buffer.byteLength(sample), connections, devices: deviceCount, runs,
      ...median,
      allRunsReportsPerSec: results.map((r) => r.reportsPerSec),
    }),
  );
} finally {
  send.close();
  await stop();
  rmSync(dir, { recursive: true, force: true });
}
