import { fingerprintMatches, shortFingerprint } from '../../schema/enroll-proof.js';
import { isPlaceholderSerial } from './placeholder-serial.js';
import type { Collision } from './collision.js';
import type { DeviceStatus, PendingEnrollment } from './storage-types.js';

export type { Collision } from './collision.js';

/** What the request presented and what the store holds, read in one transaction by either engine. */
export interface EnrollFacts {
  deviceId: string;
  /** SHA-256 of the request's Ed25519 key (schema/enroll-proof.ts); null when it sent none. */
  keyFingerprint: string | null;
  /** The request is signed by that key (checked by the route, over the exact body, fresh timestamp). */
  keyProven: boolean;
  /** The signature's nonce was already used for this device id. */
  nonceSeen: boolean;
  serial: string | null;
  secret: { kind: 'legacy' } | { kind: 'named'; found: { name: string; expiresAt: string; usesLeft: number } | null };
  device: { status: DeviceStatus; hasToken: boolean } | null;
  /** Undecided, approved and denied queue entries of this device id (used ones are history). */
  pending: readonly PendingEnrollment[];
  /** Another live device enrolled with the same hardware id: a reason to queue, never a credential. */
  twin: string | null;
  now: Date;
}

export type EnrollRefusal = { action: 'refuse'; code: string; reason: string; httpStatus: 401 | 403 | 409 };

export type EnrollDecision =
  | EnrollRefusal
  /** An admin approved this key and the request proves it holds it: enroll, mark the entry used. */
  | { action: 'complete'; approvedId: number; secretName: string | null; takeSecretUse: false }
  | { action: 'enroll'; secretName: string | null; takeSecretUse: boolean }
  /** Wait for an admin: `openId` is the entry this key already waits in, else a new one is written. */
  | { action: 'queue'; reason: string; collision: Collision; openId: number | null; takeSecretUse: boolean };

const refuse = (code: string, reason: string, httpStatus: 401 | 403 | 409): EnrollRefusal => ({ action: 'refuse', code, reason, httpStatus });
const shortOf = (fingerprint: string | null) => (fingerprint ? shortFingerprint(fingerprint) : 'none');

/**
 * The one enrollment decision, for both storage engines. The enrollment secret admits, the signing key approved
 * by an admin identifies; the hardware id only ever sends a request to the queue. Refusals change nothing.
 */
export function decideEnrollment(f: EnrollFacts): EnrollDecision {
  let secretName: string | null = null;
  let usesLeft = Number.POSITIVE_INFINITY;
  if (f.secret.kind === 'named') {
    const secret = f.secret.found;
    if (!secret) return refuse('bad_secret', 'wrong enroll secret', 401);
    if (!(Date.parse(secret.expiresAt) > f.now.getTime())) return refuse('secret_expired', `enroll secret "${secret.name}" expired at ${secret.expiresAt}`, 401);
    secretName = secret.name;
    usesLeft = secret.usesLeft;
  }
  if (f.keyProven && f.nonceSeen) return refuse('replayed', 'this enrollment signature was already used: sign a new request (farmwatch enroll again)', 409);

  const mine = (p: PendingEnrollment) => f.keyFingerprint !== null && p.keyFingerprint === f.keyFingerprint;
  if (f.pending.some((p) => p.status === 'denied' && mine(p))) return refuse('enrollment_denied', `an admin denied this enrollment of ${f.deviceId}`, 403);
  const approved = f.pending.find((p) => p.status === 'approved' && mine(p));
  if (approved) {
    if (!f.keyProven) {
      return refuse(
        'signature_required',
        `enrollment ${approved.id} was approved for key ${shortOf(f.keyFingerprint)}; completing it takes a request signed by that key: run farmwatch enroll on the laptop that holds it`,
        401,
      );
    }
    // The use of the secret was taken when the request was queued.
    return { action: 'complete', approvedId: approved.id, secretName, takeSecretUse: false };
  }

  const status = f.device?.status;
  if (status === 'revoked' || status === 'decommissioned') {
    return refuse(`device_${status}`, `device ${f.deviceId} is ${status}; an admin resets it (POST /api/v1/devices/:id/reset) before it can enroll again`, 409);
  }
  const secretUse = (): EnrollRefusal | undefined =>
    usesLeft <= 0 ? refuse('secret_used_up', `enroll secret "${secretName ?? ''}" has no uses left`, 401) : undefined;
  const collision = collisionOf(f);
  if (!collision) return secretUse() ?? { action: 'enroll', secretName, takeSecretUse: f.secret.kind === 'named' };

  if (!f.keyProven) {
    const after = collision.kind === 'device-id' ? ', or an admin resets the device (POST /api/v1/devices/:id/reset) so that it enrolls anew' : '';
    return refuse(
      'signed_key_required',
      `${collision.reason}: such an enrollment waits for an admin to approve the agent's signing key, and this request proves none (no publicKey, or not signed by it); upgrade the agent${after}`,
      409,
    );
  }
  const other = f.pending.find((p) => p.status === 'approved');
  if (other) {
    return refuse(
      'approved_for_other_key',
      `enrollment ${other.id} of ${f.deviceId} was approved for key ${shortOf(other.keyFingerprint)}, and this request is signed by key ${shortOf(f.keyFingerprint)}: run farmwatch enroll on the laptop that holds the approved key, or ask an admin to reset the device`,
      409,
    );
  }
  const open = f.pending.find((p) => p.status === 'pending' && mine(p));
  if (open) return { action: 'queue', reason: collision.reason, collision: collision.kind, openId: open.id, takeSecretUse: false };
  return secretUse() ?? { action: 'queue', reason: collision.reason, collision: collision.kind, openId: null, takeSecretUse: f.secret.kind === 'named' };
}

function collisionOf(f: EnrollFacts): { kind: Collision; reason: string } | undefined {
  if (f.device?.hasToken) return { kind: 'device-id', reason: `device id ${f.deviceId} is already enrolled` };
  if (f.twin) return { kind: 'hardware', reason: `the same hardware is enrolled as ${f.twin}` };
  if (f.serial !== null && isPlaceholderSerial(f.serial)) return { kind: 'placeholder-serial', reason: `placeholder serial "${f.serial}"` };
  return undefined;
}

/** Refusal of an admin's decision on a waiting entry: an approval binds to the key the entry arrived with. */
export function approvalRefusal(entry: PendingEnrollment, decision: 'approved' | 'denied', fingerprint: string | undefined): { code: string; reason: string } | null {
  if (decision !== 'approved') return null;
  if (!entry.keyFingerprint) {
    return {
      code: 'no_signing_key',
      reason: `enrollment ${entry.id} carries no signing key, so nothing would prove that the laptop completing it is the one that asked: deny it and enroll with an agent that signs its enrollment`,
    };
  }
  if (fingerprint !== undefined && !fingerprintMatches(entry.keyFingerprint, fingerprint)) {
    return {
      code: 'fingerprint_mismatch',
      reason: `enrollment ${entry.id} waits with key ${shortFingerprint(entry.keyFingerprint)}, not ${fingerprint.slice(0, 80)}: approve only the key the laptop's user reads to you`,
    };
  }
  return null;
}
