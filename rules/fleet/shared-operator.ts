import { declareRule } from '../types.js';

/**
 * fleet.shared-operator: one remote peer (the same AnyDesk/TeamViewer/RustDesk id, or the same peer address) in the
 * session history of several laptops. Farms run many laptops from a few operator machines; a company's own support
 * desk does the same, which is why its ids are listed in the policy (helpdeskPeers) and open nothing.
 */
export const sharedOperatorRule = declareRule({
  id: 'fleet.shared-operator',
  runs: 'fleet',
  title: 'One remote operator on several laptops',
  description:
    "The same remote peer id, or the same peer address, appears in the remote-session history of at least minDevices laptops. Ids and addresses arrive as keyed hashes; the help-desk allow-list (policy helpdeskPeers) is left out.",
  severity: 'high',
  weight: 0.8,
  group: 'fleet',
  attack: ['T1219', 'T1021'],
  falsePositives: ["The company's own support desk not listed in helpdeskPeers", 'An outsourced IT provider working from one address'],
});

export type OperatorKind = 'peer-id' | 'peer-address';

/** One operator seen on the reporting laptop: a keyed hash, never the id itself. */
export interface OperatorSighting {
  kind: OperatorKind;
  value: string;
  tool: string;
  /** ms of the latest session start seen with this peer in this report. */
  atMs: number;
}

/** A keyed hash as the server holds it after re-keying: HMAC-SHA256 hex. Anything else is not an identifier we store. */
export const isKeyedHash = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

const maxSessions = 500;

/**
 * The operators in a report's snapshot (`remoteSessions.sessions`, incoming sessions only). The snapshot is written by
 * the laptop, so every field is checked here: only keyed hashes are taken (a peer id in clear is refused, not stored),
 * tool ids and times are bounded, and at most 500 sessions are read. Total: any shape yields a list, possibly empty.
 */
export function operatorSightingsOf(snapshot: unknown, receivedMs: number): { sightings: OperatorSighting[]; skipped: number } {
  const sessions = (snapshot as { remoteSessions?: { sessions?: unknown } } | null | undefined)?.remoteSessions?.sessions;
  const out = new Map<string, OperatorSighting>();
  let skipped = 0;
  if (!Array.isArray(sessions)) return { sightings: [], skipped };
  for (const raw of sessions.slice(0, maxSessions)) {
    if (typeof raw !== 'object' || raw === null) {
      skipped++;
      continue;
    }
    const s = raw as Record<string, unknown>;
    // Only someone coming in operates this laptop; outgoing sessions (employees reaching one jump host) share peers by design.
    if (s.direction !== 'incoming') {
      if (s.direction !== 'outgoing') skipped++;
      continue;
    }
    const tool = typeof s.tool === 'string' && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(s.tool) ? s.tool : 'unknown';
    const start = typeof s.start === 'string' ? Date.parse(s.start) : Number.NaN;
    // A session dated in the future is the laptop's clock or a forgery: it counts as seen now.
    const atMs = Number.isFinite(start) && start <= receivedMs ? start : receivedMs;
    for (const [kind, field] of [['peer-id', 'peerId'], ['peer-address', 'peerAddress']] as const) {
      const v = s[field];
      if (v === undefined) continue;
      if (!isKeyedHash(v)) {
        skipped++;
        continue;
      }
      const key = `${kind}:${v}`;
      const prev = out.get(key);
      if (!prev || prev.atMs < atMs) out.set(key, { kind, value: v, tool: prev?.tool ?? tool, atMs });
    }
  }
  return { sightings: [...out.values()].slice(0, 200), skipped: skipped + Math.max(0, sessions.length - maxSessions) };
}

/**
 * The form of a peer id that is hashed, on the laptop and when the server hashes the policy's help-desk ids: trimmed,
 * lower case, without inner whitespace (TeamViewer shows ids as "123 456 789").
 */
export const normalizePeerId = (id: string): string => id.trim().toLowerCase().replace(/\s+/g, '');

export interface SharedPolicy {
  /** Laptops that must share the key. */
  minDevices: number;
  /** Sightings older than this are forgotten. */
  windowHours: number;
}

export const defaultOperatorPolicy: SharedPolicy = { minDevices: 2, windowHours: 24 * 30 };

export interface SharedDecision {
  deviceIds: string[];
  summary: string;
  evidence: Record<string, unknown>;
}

/** Given the laptops that saw one operator within the window, the alert to open or update, or null. */
export function decideSharedOperator(kind: OperatorKind, value: string, members: readonly { deviceId: string; tool: string; lastMs: number }[], policy: SharedPolicy = defaultOperatorPolicy): SharedDecision | null {
  const deviceIds = [...new Set(members.map((m) => m.deviceId))].sort();
  if (deviceIds.length < policy.minDevices) return null;
  const tools = [...new Set(members.map((m) => m.tool))].sort();
  return {
    deviceIds,
    summary: `${deviceIds.length} laptops were controlled by one remote ${kind === 'peer-id' ? 'peer id' : 'peer address'} (${tools.join(', ')})`,
    evidence: { keys: [{ kind, value }], tools, windowHours: policy.windowHours, devicesInWindow: deviceIds.length },
  };
}
