import type { Finding } from '../types.js';
import { serverFinding, type ServerRuleMeta } from '../geo/finding.js';
import { baseSeverity } from './grade.js';
import { atExemptPlace, type KnownPlaces } from './places.js';

/**
 * fleet.shared-fingerprint: two or more devices behind the same gateway MAC and the same Wi-Fi BSSID whose anchor
 * RTTs agree. Co-location needs minDevices (3) at a place; this needs two, because RTTs from one room to the same
 * anchors agree, while two homes that happen to share a router model do not share a gateway HMAC at all.
 */
export const sharedFingerprintRule: ServerRuleMeta = {
  id: 'fleet.shared-fingerprint',
  runs: 'fleet',
  title: 'Devices share one network fingerprint (gateway, BSSID and anchor RTTs)',
  description:
    'Devices report the same gateway MAC hash and Wi-Fi BSSID hash, and every anchor both probed answered within maxDiffMs (or maxDiffRatio of the larger RTT).',
  severity: 'high',
  weight: 0.75,
  group: 'fleet',
  attack: ['T1219', 'T1219.003'],
  falsePositives: ['Two employees sharing a home (a household, not a farm): review the devices'],
};

export interface FingerprintPolicy {
  /** Two RTTs are similar when they differ by at most this many ms ... */
  maxDiffMs: number;
  /** ... or by at most this share of the larger one (long paths jitter more). */
  maxDiffRatio: number;
  /** Anchors both devices must have answered. */
  minCommonAnchors: number;
  /** Declared and learned places and the server's grades (server/places/). */
  known?: KnownPlaces | undefined;
}

export const defaultFingerprintPolicy: FingerprintPolicy = { maxDiffMs: 5, maxDiffRatio: 0.2, minCommonAnchors: 1 };

/** anchor "host:port" → RTT (ms) from snapshot.network.probes; failed probes are left out. */
export function rttVector(probes: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!Array.isArray(probes)) return out;
  for (const p of probes.slice(0, 32) as { host?: unknown; port?: unknown; rttMs?: unknown }[]) {
    if (typeof p?.host === 'string' && typeof p.port === 'number' && typeof p.rttMs === 'number' && Number.isFinite(p.rttMs)) out[`${p.host}:${p.port}`] = p.rttMs;
  }
  return out;
}

export function similarRtts(a: Record<string, number>, b: Record<string, number>, policy: FingerprintPolicy = defaultFingerprintPolicy): boolean {
  let common = 0;
  for (const [anchor, x] of Object.entries(a)) {
    const y = b[anchor];
    if (y === undefined) continue;
    common++;
    const diff = Math.abs(x - y);
    if (diff > policy.maxDiffMs && diff > policy.maxDiffRatio * Math.max(x, y)) return false;
  }
  return common >= policy.minCommonAnchors;
}

/** The place key of a fingerprint: both hashes are needed (a gateway alone is co-location's business). */
export function fingerprintKey(gatewayMac: string | undefined, wifiBssid: string | undefined, known?: KnownPlaces): string | null {
  // Docked laptops at an office share its router and access point: an office place is no fingerprint.
  if (atExemptPlace(known, gatewayMac, wifiBssid)) return null;
  return gatewayMac && wifiBssid ? `${gatewayMac}/${wifiBssid}` : null;
}

export interface FingerprintMember {
  deviceId: string;
  rtts: Record<string, number>;
}

/** The finding for `self` given the other devices seen with the same key, or null when none has similar RTTs. */
export function sharedFingerprint(self: FingerprintMember, others: readonly FingerprintMember[], policy: FingerprintPolicy = defaultFingerprintPolicy): { deviceIds: string[]; finding: Finding } | null {
  const matches = others.filter((o) => o.deviceId !== self.deviceId && similarRtts(self.rtts, o.rtts, policy));
  if (!matches.length) return null;
  const deviceIds = [self.deviceId, ...matches.map((m) => m.deviceId)].sort();
  // Two laptops of one household share a fingerprint too: low until the server's grade says more.
  const grade = policy.known?.gradeOf(deviceIds);
  const finding = serverFinding(
    sharedFingerprintRule,
    Math.min(1, 0.6 + 0.1 * matches.length),
    {
      devices: deviceIds, rtts: self.rtts, others: Object.fromEntries(matches.slice(0, 20).map((m) => [m.deviceId, m.rtts])), maxDiffMs: policy.maxDiffMs, maxDiffRatio: policy.maxDiffRatio,
      ...(grade ? { grade } : {}),
    },
    undefined,
    grade?.severity ?? baseSeverity(deviceIds.length),
  );
  return { deviceIds, finding };
}
