import { keyFingerprint } from '../../schema/enroll-proof.js';
import type { EnrollFacts, EnrollRefusal } from './enroll-decision.js';
import type { DeviceStatus, LifecycleEnroll, LifecycleEnrollOutcome, PendingEnrollment } from './storage-types.js';

type Row = Record<string, unknown>;

/** The facts of an enrollment from the rows either engine read (same columns on SQLite and PostgreSQL). */
export function factsOf(r: LifecycleEnroll, device: Row | undefined, secret: Row | undefined, pending: readonly PendingEnrollment[]): Omit<EnrollFacts, 'nonceSeen' | 'twin'> {
  return {
    deviceId: r.deviceId,
    keyFingerprint: r.publicKey === null ? null : keyFingerprint(r.publicKey),
    keyProven: r.keyProven && r.publicKey !== null,
    serial: r.serial,
    secret:
      r.secret.kind === 'legacy'
        ? { kind: 'legacy' }
        : { kind: 'named', found: secret ? { name: secret.name as string, expiresAt: secret.expires_at as string, usesLeft: Number(secret.uses_left) } : null },
    device: device ? { status: (device.status as DeviceStatus | undefined) ?? 'active', hasToken: device.token_hash !== null && device.token_hash !== undefined } : null,
    pending,
    now: r.at,
  };
}

export const refusedOf = (d: EnrollRefusal): LifecycleEnrollOutcome => ({ status: 'refused', code: d.code, reason: d.reason, httpStatus: d.httpStatus });

/** Another request took the secret's last use between the read and the update. */
export const secretUsedUp = (secret: Row): LifecycleEnrollOutcome => ({
  status: 'refused',
  code: 'secret_used_up',
  reason: `enroll secret "${secret.name as string}" has no uses left`,
  httpStatus: 401,
});
