import type { InventoryRow, PolicyBody, PolicyRecord } from '../policy/schema.js';
import type { Collision } from './collision.js';
import type { ServerVerdict } from '../verdict/types.js';

export type { IgnoredFindings, ServerVerdict } from '../verdict/types.js';

/** Device standing: enrolled and reporting, or taken out by an admin. */
export const deviceStatuses = ['active', 'revoked', 'decommissioned'] as const;
export type DeviceStatus = (typeof deviceStatuses)[number];

/** Per-report extras the report route hands to ingest (all optional: storage tests send plain items). */
export interface IngestGuard {
  verdict?: ServerVerdict;
  /** The signed report's nonce, kept (per device) for the replay window. */
  nonce?: string;
  clockSkewS?: number;
  signed?: boolean;
  /** The policy's cap on a device's open finding alerts (thresholds.maxOpenAlertsPerDevice). */
  maxOpenAlertsPerDevice?: number;
  /** Told how many finding alerts the cap withheld (a server metric). */
  onAlertsWithheld?: (count: number) => void;
  /** The central policy's longest believed next-report promise (thresholds.maxReportGapSec), in ms. */
  maxReportGapMs?: number;
}

export interface LifecycleEnroll {
  deviceId: string;
  hostname: string;
  platform: string;
  agentVersion: string;
  tokenHash: Buffer;
  publicKey: string | null;
  /** The request is signed by `publicKey` (the route checked the signature over the exact body and its time). */
  keyProven: boolean;
  /** The signature's nonce, kept for the replay window (null when unsigned). */
  nonce: string | null;
  /** A hint for collisions only (the same hardware under two ids): it never admits or identifies a laptop. */
  hardwareId: string | null;
  serial: string | null;
  /** The legacy fleet secret, or the hash of a named one (checked, and one use taken, in the same transaction). */
  secret: { kind: 'legacy' } | { kind: 'named'; hash: Buffer };
  at: Date;
}

export type LifecycleEnrollOutcome =
  | { status: 'enrolled'; secretName: string | null }
  | { status: 'pending'; id: number; reason: string; collision: Collision }
  | { status: 'refused'; code: string; reason: string; httpStatus: 401 | 403 | 409 };

/** An admin decision refused (nothing changed): see approvalRefusal in enroll-decision.ts. */
export interface DecisionRefusal {
  refusal: string;
  reason: string;
}

export interface PendingEnrollment {
  id: number;
  deviceId: string;
  hostname: string;
  platform: string;
  hardwareId: string | null;
  serial: string | null;
  /** The Ed25519 key the request arrived with (base64 SPKI DER): the one an approval lets complete. */
  publicKey: string | null;
  /** SHA-256 hex of the raw public key; the admin compares it with what the laptop's `farmwatch enroll` printed. */
  keyFingerprint: string | null;
  /** Its first 16 hex digits in groups of four, as the agent prints it. */
  keyFingerprintShort: string | null;
  reason: string;
  /** superseded: approved, but the device enrolled otherwise first (a reset): the approval lapsed unused. */
  status: 'pending' | 'approved' | 'denied' | 'used' | 'superseded';
  createdAt: string;
  decidedAt: string | null;
}

export interface EnrollSecretInfo {
  name: string;
  expiresAt: string;
  usesLeft: number;
  createdAt: string;
}

/** What the report route needs of a device besides its token: its key and the keys of its inventory row. */
export interface DeviceSecurity {
  deviceId: string;
  hostname: string;
  serial: string | null;
  publicKey: string | null;
  status: DeviceStatus;
}

export interface DeviceStanding {
  status: DeviceStatus;
  statusAt: string | null;
  serial: string | null;
  hardwareId: string | null;
  signed: boolean;
  publicKeyRegistered: boolean;
  clockSkewS: number | null;
  policyVersion: number | null;
  configHash: string | null;
  codeHash: string | null;
  /** The server's verdict on the latest report (`device.score`/`level` stay the agent's own, as sent). */
  serverScore: number | null;
  serverLevel: string | null;
}

/** Central policy, device lifecycle, signed reports: server/lifecycle/store.ts, once for both engines. */
export interface LifecycleStorage {
  currentPolicy(): Promise<PolicyRecord>;
  /** Stores a new version of the policy; the inventory, when given, replaces the imported one in the same transaction. */
  putPolicy(body: PolicyBody, at: Date, inventory?: readonly InventoryRow[]): Promise<PolicyRecord>;
  inventory(): Promise<InventoryRow[]>;
  /** Inventory rows matching no device (by id, serial or hostname) that ever enrolled. */
  missingInventory(): Promise<InventoryRow[]>;
  enrollDevice(request: LifecycleEnroll): Promise<LifecycleEnrollOutcome>;
  createEnrollSecret(secret: { name: string; hash: Buffer; expiresAt: Date; uses: number; at: Date }): Promise<'created' | 'conflict'>;
  listEnrollSecrets(): Promise<EnrollSecretInfo[]>;
  /** A new token hash for an active device; the old token fails at once. False when unknown or not active. */
  rotateToken(deviceId: string, tokenHash: Buffer, at: Date): Promise<boolean>;
  /** revoked: token dropped, enrollment refused until a reset. decommissioned: also its open alerts resolved, never silent. */
  setDeviceStatus(deviceId: string, status: 'revoked' | 'decommissioned', at: Date): Promise<boolean>;
  listPendingEnrollments(): Promise<PendingEnrollment[]>;
  /** An approval binds to the entry's key; with `keyFingerprint`, only when it names that key (approvalRefusal). */
  decidePending(id: number, decision: 'approved' | 'denied', at: Date, keyFingerprint?: string): Promise<PendingEnrollment | 'not-found' | 'conflict' | DecisionRefusal>;
  deviceSecurity(deviceId: string): Promise<DeviceSecurity | null>;
  deviceStanding(deviceId: string): Promise<DeviceStanding | null>;
  /** Nonces seen since `sinceMs`. */
  recentNonces(sinceMs: number): Promise<{ deviceId: string; nonce: string; seenMs: number }[]>;
  /** Records a signed request's nonce; false when it was already recorded (a replay, on this replica or another). */
  claimNonce(deviceId: string, nonce: string, seenMs: number): Promise<boolean>;
  /** Deletes nonces seen before `beforeMs` (past the replay window); returns how many. */
  pruneNonces(beforeMs: number): Promise<number>;
  /**
   * A counter that every change of the policy, the inventory, a device's key or standing moves, in the change's
   * transaction: a replica's caches of these stay valid while it stays the same.
   */
  changeCount(): Promise<number>;
  /**
   * Records a refused report's clock skew on the device (its standing and agent.clock-skew, at `at` on the server's
   * clock); accepted reports record theirs in ingest.
   */
  recordClockSkew(deviceId: string, skewS: number, at: Date): Promise<void>;
}
