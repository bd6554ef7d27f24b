/**
 * Forwarder benchmark: ingest throughput of alert-opening reports with no forwarder, with two dead targets (a
 * refused syslog port and an HTTP target that never answers) and with a live webhook, plus the time from POST to
 * arrival at the live webhook. In-process server on 127.0.0.1, SQLite in a temp dir (removed), bounded in time.
 *
 * The setups run in turn, `--rounds` times, so that a busy moment of a shared machine shows as spread, not as a verdict.
 *
 *   npm run build && node dist/scripts/bench/forwarders.js [--seconds 5] [--connections 20] [--rounds 2]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createServer } from '../../server/app.js';
import { parseServerConfig } from '../../server/config.js';
import { liftLimits } from './ingest-load.js';
import { benchArgs } from './args.js';

const { values } = benchArgs({ options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '20' }, rounds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const secrets = { enrollSecret: 'bench-enroll-secret-0123456789', adminToken: 'bench-admin-token-0123456789' };

async function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const arrivals = new Map<string, number>();
const hook = createHttp((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { alert: { deviceIds: string[] } };
    arrivals.set(body.alert.deviceIds[0] ?? '', performance.now());
    res.end('ok');
  });
});
const hookPort = await listen(hook);
const holeSockets = new Set<Socket>();
const hole = createNet((s) => holeSockets.add(s.on('error', () => {})));
const holePort = await listen(hole);
const refused = createNet();
const refusedPort = await listen(refused);
await new Promise<void>((resolve) => refused.close(() => resolve()));

const setups: Record<string, unknown[]> = {
  none: [],
  dead: [
    { type: 'syslog', host: '127.0.0.1', port: refusedPort, protocol: 'tcp', format: 'cef', retry: { minDelayMs: 100, maxDelayMs: 1000, timeoutMs: 2000 } },
    { type: 'webhook', url: `http://127.0.0.1:${holePort}/x`, format: 'slack', retry: { minDelayMs: 100, maxDelayMs: 1000, timeoutMs: 2000 } },
  ],
  live: [{ type: 'webhook', url: `http://127.0.0.1:${hookPort}/hook`, format: 'json' }],
};

const report = (deviceId: string) => ({
  reportId: randomUUID(),
  deviceId,
  agentVersion: '0.1.0',
  collectedAt: new Date().toISOString(),
  sentAt: new Date().toISOString(),
  nextReportBy: new Date(Date.now() + 330_000).toISOString(),
  score: 60,
  level: 'high',
  findings: [{ rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 1, weight: 0.6, group: 'remote-access', attack: ['T1219'], subject: 'anydesk', evidence: { process: 'AnyDesk', pid: 4242 } }],
  agent: { version: '0.1.0', configHash: 'abc', health: { cpuMs: 50 } },
  identity: { timezone: 'America/New_York' },
});

for (let round = 0; round < Number(values.rounds); round++) for (const [name, forwarders] of Object.entries(setups)) {
  arrivals.clear();
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-fwd-'));
  const server = await createServer({
    config: parseServerConfig({ host: '127.0.0.1', port: 0, db: join(dir, 'fw.db'), forwarders, colocation: { minDevices: 10_000 } }),
    secrets,
    logger: pino({ level: 'silent' }),
    timers: false,
  });
  const url = await server.listen();
  await liftLimits(url, secrets.adminToken);
  // Every report comes from a new device: each one opens an alert, so each one writes outbox rows.
  let n = 0;
  const sentAt = new Map<string, number>();
  const deadline = performance.now() + seconds * 1000;
  const worker = async (w: number) => {
    while (performance.now() < deadline) {
      const id = `bench-${w}-${n++}`;
      const enrolled = await fetch(`${url}/api/v1/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ secret: secrets.enrollSecret, deviceId: id, hostname: `${id}.local`, platform: 'linux', agentVersion: '0.1.0' }),
      }).then((r) => r.json() as Promise<{ token: string }>);
      sentAt.set(id, performance.now());
      const res = await fetch(`${url}/api/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${enrolled.token}` }, body: JSON.stringify(report(id)) });
      await res.text();
      if (res.status !== 202) throw new Error(`ingest ${res.status}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  let line = `${name.padEnd(5)} ${(n / elapsed).toFixed(0)} enroll+report pairs/s (${n} alerts in ${elapsed.toFixed(1)} s)`;
  if (name === 'live') {
    const until = performance.now() + 10_000;
    while (arrivals.size < n && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    const lags = [...sentAt].map(([id, t]) => (arrivals.get(id) ?? Number.NaN) - t).filter(Number.isFinite).sort((a, b) => a - b);
    const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]?.toFixed(0);
    line += `; webhook received ${lags.length}/${n}, POST→arrival p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${pct(100)} ms`;
  }
  console.log(line);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
for (const s of holeSockets) s.destroy();
await Promise.all([new Promise((r) => hook.close(r)), new Promise((r) => hole.close(r))]);
