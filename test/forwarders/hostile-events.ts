import { alertRuleIds } from '../../server/forwarders/rule-info.js';
import type { AlertEvent } from '../../server/db/records.js';

/** Text carrying every character a format escapes or a line-based hop splits on. */
export const nasty = 'a|b=c\\d "q" \'s\' ]e [f} <g>\r\nforged line\nx\u0000y\u0007z\u007f\u0085\u2028end';
export const hostileHostname = `host|=\\"'\r\n<14>1 2026-01-01T00:00:00Z forged farmwatch - - - injected`;
export const hostileDeviceId = 'dev|=\\"1\nsecond';
export const hostileProcessName = `any|desk=x\\y "quoted"\r\nnext\tline.exe`;

/** An alert event of `rule` on a device whose hostname, id and process names carry `nasty` characters. */
export function hostileEvent(rule: string, o: { kind?: AlertEvent['kind']; status?: AlertEvent['alert']['status']; score?: number | undefined; evidenceBytes?: number; devices?: number } = {}): AlertEvent {
  const score = 'score' in o ? o.score : 72;
  const deviceIds = Array.from({ length: o.devices ?? 1 }, (_, i) => (i ? `${hostileDeviceId}-${i}` : hostileDeviceId));
  const padding = o.evidenceBytes ? 'p'.repeat(o.evidenceBytes) : undefined;
  return {
    uid: '7f1c7c1e-0000-4000-8000-000000000001',
    kind: o.kind ?? 'new',
    at: '2026-03-02T10:00:00.000Z',
    alert: {
      id: 42,
      rule,
      status: o.status ?? 'open',
      severity: 'high',
      deviceIds,
      summary: `${hostileDeviceId}: ${hostileProcessName} ${nasty} (score 72, high)`,
      evidence: {
        ...(score !== undefined ? { score, level: 'high' } : { reportId: nasty }),
        findings: [
          { rule, title: `Remote access ${nasty}`, severity: 'high', evidence: { process: hostileProcessName, cmdline: nasty, ...(padding ? { padding } : {}) } },
        ],
      },
      createdAt: '2026-03-02T09:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
    },
    devices: deviceIds.map((deviceId) => ({ deviceId, hostname: hostileHostname })),
  };
}

/** One hostile event per rule the server can raise, in each lifecycle step (new, acknowledged, resolved). */
export function everyRuleEvents(): AlertEvent[] {
  return alertRuleIds().flatMap((rule, i) => [
    hostileEvent(rule, { score: i % 3 === 0 ? undefined : 72 }),
    hostileEvent(rule, { kind: 'update', status: 'acknowledged' }),
    hostileEvent(rule, { kind: 'update', status: 'resolved', devices: 3 }),
  ]);
}
