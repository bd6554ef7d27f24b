import { scoreFindings } from '../../rules/score.js';
import type { Finding } from '../../rules/types.js';
import type { Report } from '../../schema/report.js';
import { placeHash } from '../../agent/identity.js';
import { newReportId } from '../../agent/report-id.js';

/**
 * Made-up laptops for `farmwatch demo`, the dashboard tests and the screenshots, sent through the real enroll and
 * report API. Every one is labelled: hostname "SIMULATED-…", and `simulated` in each finding's evidence.
 */
export const simulatedLabel = 'SIMULATED by farmwatch demo: not a real laptop';

export interface SimulatedFleetOptions {
  serverUrl: string;
  enrollSecret: string;
  /** Moves the server's clock back by this many ms (0: now), so that a history spreads over past hours. */
  setClockOffset?: (ms: number) => void;
  /** Progress lines (the demo prints them). */
  log?: (line: string) => void;
}

export interface SimulatedDevice {
  deviceId: string;
  hostname: string;
}

const hour = 3_600_000;

const anydesk = (): Finding => ({
  rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'medium', confidence: 0.95, group: 'remote-access', weight: 0.6,
  attack: ['T1219'], subject: 'anydesk',
  evidence: { tool: 'AnyDesk', vendor: 'AnyDesk Software', processes: [{ name: 'anydesk', pid: 4242, path: '/usr/bin/anydesk' }], simulated: simulatedLabel },
});
const pikvm = (): Finding => ({
  rule: 'ipkvm.usb', title: 'An IP-KVM is attached over USB', severity: 'critical', confidence: 0.95, group: 'ipkvm', weight: 0.95,
  attack: ['T1219.003', 'T1200'], subject: 'pikvm',
  evidence: { vendorId: '1d6b', productId: '0104', manufacturer: 'PiKVM', product: 'PiKVM Composite Device', catalog: 'pikvm', simulated: simulatedLabel },
});
const timezone = (tz: string): Finding => ({
  rule: 'locale.timezone', title: 'Time zone outside the expected region', severity: 'low', confidence: 0.6, group: 'locale', weight: 0.25,
  attack: [], evidence: { timezone: tz, expected: ['America/*'], simulated: simulatedLabel },
});
const crd = (): Finding => ({
  rule: 'remote-access.installed', title: 'Chrome Remote Desktop is installed', severity: 'low', confidence: 0.8, group: 'remote-access', weight: 0.4,
  attack: ['T1219'], subject: 'chrome-remote-desktop',
  evidence: { tool: 'Chrome Remote Desktop', installed: [{ source: 'dpkg', name: 'chrome-remote-desktop' }], simulated: simulatedLabel },
});

interface Plan {
  n: number;
  gateway: string;
  /** Hours ago of each report, oldest first, with the findings of that report. */
  reports: { hoursAgo: number; findings: Finding[] }[];
}

/** Three laptops behind one gateway (the farm: AnyDesk, then a PiKVM; the third falls silent), one suspicious, one clean. */
function plans(): Plan[] {
  const farm = (n: number, lastHoursAgo: number): Plan => ({
    n,
    gateway: '02:00:5e:10:00:01',
    reports: [6, 5, 4, 3, 2, 1, 0]
      .filter((h) => h >= lastHoursAgo)
      .map((h) => ({ hoursAgo: h ? h + n * 0.05 : n * 0.004, findings: h >= 5 ? [timezone('Asia/Pyongyang')] : h >= 3 ? [timezone('Asia/Pyongyang'), anydesk()] : [timezone('Asia/Pyongyang'), anydesk(), pikvm()] })),
  });
  return [
    farm(1, 0),
    farm(2, 0),
    farm(3, 2),
    { n: 4, gateway: '02:00:5e:20:00:04', reports: [5, 3, 1, 0].map((h) => ({ hoursAgo: h ? h + 0.2 : 0.016, findings: h <= 3 ? [crd(), timezone('Asia/Shanghai')] : [crd()] })) },
    { n: 5, gateway: '02:00:5e:30:00:05', reports: [5, 3, 1, 0].map((h) => ({ hoursAgo: h ? h + 0.25 : 0.02, findings: [] })) },
  ];
}

export function simulatedHostname(n: number): string {
  return `SIMULATED-laptop-${String(n).padStart(2, '0')}`;
}

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** Enrolls the simulated laptops and sends their histories in time order; returns them. */
export async function seedSimulatedFleet(options: SimulatedFleetOptions): Promise<SimulatedDevice[]> {
  const base = options.serverUrl.replace(/\/$/, '');
  const all = plans();
  const enrolled = new Map<number, { deviceId: string; hostname: string; token: string; fleetKey: string }>();
  const now = Date.now();
  try {
    // Enrolled before their first report: seven hours ago on the server's clock, when it can be moved.
    options.setClockOffset?.(7 * hour);
    for (const plan of all) {
      const hostname = simulatedHostname(plan.n);
      const deviceId = `simulated-${String(plan.n).padStart(2, '0')}`;
      const res = await post(`${base}/api/v1/enroll`, { secret: options.enrollSecret, deviceId, hostname, platform: 'win32', agentVersion: 'simulated' });
      if (res.status !== 200) throw new Error(`enroll ${hostname}: HTTP ${res.status} ${await res.text()}`);
      const { token, fleetKey } = (await res.json()) as { token: string; fleetKey: string };
      enrolled.set(plan.n, { deviceId, hostname, token, fleetKey });
    }
    options.log?.(`enrolled ${all.length} simulated laptops (${all.map((p) => simulatedHostname(p.n)).join(', ')})`);
    const timeline = all.flatMap((plan) => plan.reports.map((r) => ({ plan, ...r }))).sort((a, b) => b.hoursAgo - a.hoursAgo);
    for (const { plan, hoursAgo, findings } of timeline) {
      const device = enrolled.get(plan.n)!;
      const offset = Math.round(hoursAgo * hour);
      options.setClockOffset?.(offset);
      const at = new Date(now - offset).toISOString();
      const { score, level } = scoreFindings(findings);
      const report: Report = {
        reportId: newReportId(now - offset), // stamped with the collection time, as agents do
        deviceId: device.deviceId,
        agentVersion: 'simulated',
        collectedAt: at,
        sentAt: at,
        nextReportBy: new Date(now - offset + 330_000).toISOString(),
        score,
        level,
        findings,
        agent: { version: 'simulated', configHash: 'simulated', health: { cpuMs: 40 } },
        identity: { timezone: 'America/New_York', gatewayMac: placeHash(device.fleetKey, plan.gateway) },
      };
      const res = await post(`${base}/api/v1/reports`, report, device.token);
      if (res.status !== 202) throw new Error(`report of ${device.hostname}: HTTP ${res.status} ${await res.text()}`);
    }
  } finally {
    options.setClockOffset?.(0);
  }
  options.log?.(`sent ${all.reduce((n, p) => n + p.reports.length, 0)} simulated reports spread over the last 6 hours`);
  return [...enrolled.values()].map(({ deviceId, hostname }) => ({ deviceId, hostname }));
}
