/**
 * Responsiveness under a hostile device: `farmwatch server` in a child process on loopback (SQLite in a temp dir),
 * one enrolled device that sends signed, tampered reports as fast as it can (keep-alive connections, bounded in count
 * and time), and a probe of GET /healthz every few milliseconds on its own connection. The same probe runs first
 * with the server idle. Prints the probe's p50/p99/max for both, side by side, and what the flood got as answers.
 *
 *   npm run build && node dist/scripts/bench/hostile-load.js [--seconds 15] [--reports 3000] [--connections 8] [--probes 300]
 *
 * The device cycles through reports from the hostile table (scripts/eval/hostile/tamperings.ts): an honest PiKVM report
 * with its snapshot, 900 invented rule ids, 8,000 extra processes (~0.7 MB), `__proto__`/`constructor` keys, a
 * collectedAt ten years ahead. Each is signed with the agent's own code (agent/signing.ts) and a fresh report id.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { honestReport, hostilePolicy, hostileSecrets, loadSeeds, send, type Device } from '../eval/hostile/harness.js';
import { mutatorOf, newReportId } from '../eval/hostile/tamperings.js';
import { ensureKeyPair, loadSigner } from '../../agent/signing.js';
import type { DevicePolicy } from '../../schema/policy.js';
import { benchLimits, jsonSender } from './ingest-load.js';
import { benchArgs } from './args.js';

const { values } = benchArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    reports: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '8' },
    probes: { type: 'string', default: '300' },
    'probe-every-ms': { type: 'string', default: '10' },
  },
});
const seconds = Number(values.seconds);
const maxReports = Number(values.reports);
const connections = Number(values.connections);
const idleProbes = Number(values.probes);
const probeEveryMs = Number(values['probe-every-ms']);

const cli = fileURLToPath(new URL('../../cli/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-bench-hostile-'));
writeFileSync(join(dir, 'server.json'), JSON.stringify({ ...hostileSecrets, log: { level: 'warn' } }));

const child = spawn(process.execPath, [cli, 'server', '--config', join(dir, 'server.json'), '--port', '0', '--db', join(dir, 'bench.db')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  child.stdout.on('data', (c: Buffer) => {
    const m = /listening on (http:\/\/\S+)/.exec(c.toString());
    if (m?.[1]) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

const admin = { authorization: `Bearer ${hostileSecrets.adminToken}`, 'content-type': 'application/json' };
const put = await send(url, 'PUT', '/api/v1/policy', admin, JSON.stringify(hostilePolicy));
if (put.status !== 200) throw new Error(`PUT /api/v1/policy: ${put.status} ${put.text}`);

// The hostile device: enrolled as the agent enrolls, with its own key.
const stateDir = join(dir, 'agent-state');
const publicKey = await ensureKeyPair(stateDir);
const enrolled = await send(url, 'POST', '/api/v1/enroll', { 'content-type': 'application/json' },
  JSON.stringify({ secret: hostileSecrets.enrollSecret, deviceId: 'hostile-bench', hostname: 'hostile-bench.local', platform: 'linux', agentVersion: '0.1.0', publicKey }));
if (enrolled.status !== 200) throw new Error(`enroll: ${enrolled.status} ${enrolled.text}`);
const answer = enrolled.body as { token: string; fleetKey: string; policy?: DevicePolicy };
const loaded = await loadSigner(stateDir);
if (!loaded) throw new Error('no signing key');
const signer = loaded;
const device: Device = { deviceId: 'hostile-bench', sourceIp: '127.0.0.1', stateDir, publicKey, token: answer.token, fleetKey: answer.fleetKey, policy: answer.policy, signer };
const pikvm = loadSeeds().find((s) => s.name === 'pikvm');
if (!pikvm) throw new Error('scenario pikvm missing');

const variants: [string, unknown][] = [
  ['once', null],
  ['inventedRules', { ids: ['__proto__', 'constructor', 'x'], count: 900, weight: 0.5, confidence: 1 }],
  ['manyProcesses', 8000],
  ['hostileObjectKeys', { keys: ['__proto__', 'constructor', 'toString'], where: 'report' }],
  ['collectedAt', { ms: 10 * 365 * 24 * 3600_000, alsoSnapshot: true }],
];
/** Each variant's report once; every send then changes only the report id and the signature. */
const templates = variants.map(([name, param]) => {
  const now = Date.now();
  const r = JSON.parse(JSON.stringify(honestReport(device, pikvm, new Date(now)))) as Record<string, any>;
  const m = mutatorOf.get(name);
  if (m) m.apply(r, param, { now, sharedReportId: newReportId() });
  return { name, report: r };
});

const percentile = (sorted: number[], p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number) : NaN);
const round = (v: number) => Math.round(v * 100) / 100;
function summary(ms: number[]): { probes: number; p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { probes: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? NaN) };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz every probeEveryMs until `until()` says stop; each probe on a fresh connection, bounded at 10 s. */
async function probe(until: () => boolean): Promise<{ ms: number[]; failures: number }> {
  const ms: number[] = [];
  let failures = 0;
  while (!until()) {
    const a = await send(url, 'GET', '/healthz', {}, undefined, 10_000);
    if (a.status === 200) ms.push(a.ms);
    else failures++;
    await sleep(probeEveryMs);
  }
  return { ms, failures };
}

let idleCount = 0;
const idle = await probe(() => idleCount++ >= idleProbes);

const flood = jsonSender(connections);
const statuses: Record<string, number> = {};
let sent = 0;
let done = false;
const started = performance.now();
const deadline = started + seconds * 1000;
async function worker(): Promise<void> {
  while (sent < maxReports && performance.now() < deadline) {
    const t = templates[sent % templates.length] as (typeof templates)[number];
    sent++;
    const body = JSON.stringify({ ...t.report, reportId: newReportId() });
    try {
      const a = await flood(url, '/api/v1/reports', body, { authorization: `Bearer ${device.token}`, ...signer(body) });
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (a.status === 429) await sleep(50);
    } catch (err) {
      statuses[(err as NodeJS.ErrnoException).code ?? 'error'] = (statuses[(err as NodeJS.ErrnoException).code ?? 'error'] ?? 0) + 1;
    }
  }
}
const workers = Promise.all(Array.from({ length: connections }, worker)).then(() => {
  done = true;
});
const underLoad = await probe(() => done);
await workers;
const floodSeconds = (performance.now() - started) / 1000;
flood.close();

// Each kind alone, one after the other: its own cost, without the others queued beside it. The flood ran under the
// default rate limits (what a hostile device meets); the solo reports measure the server's work, so the limits go.
const lifted = await send(url, 'PUT', '/api/v1/policy', admin, JSON.stringify({ ...hostilePolicy, limits: benchLimits }));
if (lifted.status !== 200) throw new Error(`PUT /api/v1/policy (limits lifted): ${lifted.status} ${lifted.text}`);
const soloMs: Record<string, { status: number; p50Ms: number }> = {};
for (const t of templates) {
  const ms: number[] = [];
  let status = 0;
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify({ ...t.report, reportId: newReportId() });
    const a = await send(url, 'POST', '/api/v1/reports', { 'content-type': 'application/json', authorization: `Bearer ${device.token}`, ...signer(body) }, body, 30_000);
    status = a.status;
    ms.push(a.ms);
  }
  soloMs[t.name] = { status, p50Ms: round(percentile(ms.sort((a, b) => a - b), 50)) };
}

const result = {
  bench: 'hostile-load',
  connections,
  variants: templates.map((t) => t.name),
  idle: { ...summary(idle.ms), failures: idle.failures },
  underLoad: { ...summary(underLoad.ms), failures: underLoad.failures },
  flood: { sent, seconds: round(floodSeconds), reportsPerSecond: round(sent / floodSeconds), statuses },
  soloMs,
};

child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`healthz p99 idle ${result.idle.p99Ms} ms, under one hostile device ${result.underLoad.p99Ms} ms (${sent} reports in ${result.flood.seconds} s: ${JSON.stringify(statuses)})\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
