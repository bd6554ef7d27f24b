/** What the ingest benchmarks share: a keep-alive JSON sender and the findings of report mix a. Side-effect free. */
import { Agent, request } from 'node:http';
import { newReportId } from '../../agent/report-id.js';

export type Send = (base: string, path: string, body: string, headers: Record<string, string>) => Promise<{ status: number; text: string }>;

/** POSTs JSON over keep-alive connections, at most `connections` at once; `close()` ends them. */
export function jsonSender(connections: number): Send & { close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const send: Send = (base, path, body, headers) =>
    new Promise((resolve, reject) => {
      const req = request(
        `${base}${path}`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return Object.assign(send, { close: () => agent.destroy() });
}

/**
 * The benches measure ingest, not the rate limits: each lifts the per-device report limit and the per-secret
 * enrollment limit of its own throwaway server to the policy's maximum (docs/BENCHMARKS.md). A real fleet keeps
 * the defaults (docs/server.md).
 */
export const benchLimits = { reports: { perMinute: 1_000_000, burst: 1_000_000 }, enrollPerSecret: { perMinute: 1_000_000, burst: 1_000_000 } };

/** PUT /api/v1/policy with `benchLimits` (a fresh database has no other policy to keep). */
export async function liftLimits(base: string, adminToken: string): Promise<void> {
  const res = await fetch(`${base}/api/v1/policy`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ limits: benchLimits }),
  });
  if (res.status !== 200) throw new Error(`lifting the bench's rate limits: HTTP ${res.status} ${await res.text()}`);
}

/** Finding i (0-2) of mix a: an AnyDesk, a time zone and a VPN finding, with a 300-character command line. */
export const finding = (i: number) => ({
  rule: ['remote-access.running', 'locale.timezone', 'network.vpn'][i],
  title: ['AnyDesk is running', 'Time zone outside the expected region', 'Consumer VPN client installed'][i],
  severity: ['medium', 'low', 'medium'][i],
  confidence: 0.8,
  group: ['remote-access', 'locale', 'network'][i],
  weight: 0.5,
  attack: ['T1219'],
  subject: ['anydesk', 'Asia/Seoul', 'astrill'][i],
  evidence: { process: 'AnyDesk', path: '/opt/anydesk/anydesk', pid: 4242 + i, cmdline: '/opt/anydesk/anydesk --service'.padEnd(300, ' ') },
});

/** A mix-a report body (about 2.3 KB, three findings) for `deviceId`, plus `snapshot` when given (mix b). */
export function reportBody(deviceId: string, snapshot?: unknown): string {
  const now = new Date();
  return JSON.stringify({
    reportId: newReportId(now.getTime()), // as agents send them: stamped with the collection time (agent/report.ts)
    deviceId,
    agentVersion: '0.1.0',
    collectedAt: now.toISOString(),
    sentAt: now.toISOString(),
    nextReportBy: new Date(now.getTime() + 330_000).toISOString(),
    score: 55,
    level: 'medium',
    findings: [finding(0), finding(1), finding(2)],
    agent: { version: '0.1.0', configHash: 'f'.repeat(64), health: { cpuMs: 61, wallMs: 410, rssMiB: 62, forks: 1, spoolEntries: 0 } },
    identity: { timezone: 'America/Chicago', gatewayMac: 'a'.repeat(64), wifiBssid: 'b'.repeat(64) },
    ...(snapshot === undefined ? {} : { snapshot }),
  });
}
