import { seedSimulatedFleet } from '../../cli/demo/simulated-fleet.js';
import { enroll, makeReport, postReport, secrets, startServer, type Running } from '../server/helpers.js';

export const hostile = '<script>alert(1)</script>';
export const hostileHost = '"><img src=x onerror=alert(2)>';

export interface Seeded extends Running {
  /** Moves the server clock back; 0 is now. */
  offset: { ms: number };
}

/** A real server (loopback, temp SQLite) whose clock follows the wall clock minus an offset the seed moves. */
export async function startDashboardServer(config: Record<string, unknown> = {}): Promise<Seeded> {
  const offset = { ms: 0 };
  // Loopback is egress: every test report comes from 127.0.0.1, which would otherwise be one big cluster. (As an office
  // network it would teach the farm's gateway as an office place.)
  const running = await startServer({ egressNetworks: ['127.0.0.0/8', '::1/128'], silentGraceHours: 1, ...config }, { now: () => new Date(Date.now() - offset.ms) });
  return { ...running, offset };
}

/**
 * The simulated fleet through the real API, plus one device whose hostname and process name are hostile HTML,
 * at level critical so that it opens alerts too.
 */
export async function seedFleet(s: Seeded): Promise<{ hostileId: string }> {
  await seedSimulatedFleet({ serverUrl: s.url, enrollSecret: secrets.enrollSecret, setClockOffset: (ms) => (s.offset.ms = ms) });
  const hostileId = 'hostile-device';
  const res = await fetch(`${s.url}/api/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret: secrets.enrollSecret, deviceId: hostileId, hostname: hostileHost, platform: 'linux', agentVersion: '0.1.0' }),
  });
  if (res.status !== 200) throw new Error(`enroll hostile: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  const finding = {
    rule: 'remote-access.running', title: `${hostile} is running`, severity: 'high', confidence: 0.9, weight: 0.95, group: 'remote-access',
    attack: ['T1219', '<b>T0</b>'], subject: hostile, evidence: { processes: [{ name: hostile, pid: 1 }], [hostile]: hostile },
  };
  const report = makeReport(hostileId, {
    score: 86, level: 'critical', findings: [finding],
    snapshot: { schemaVersion: 1, errors: [{ collector: 'usb', code: 'timeout', message: `${hostile} took too long` }] },
  });
  const posted = await postReport(s.url, token, report);
  if (posted.status !== 202) throw new Error(`hostile report: ${posted.status} ${JSON.stringify(posted.body)}`);
  return { hostileId };
}

export { enroll, secrets };
