import { keyFingerprint, shortFingerprint } from '../../schema/enroll-proof.js';
import type { InventoryRow } from '../policy/schema.js';
import type { DeviceStanding, DeviceStatus, PendingEnrollment } from './storage-types.js';

type Row = Record<string, unknown>;

/** Row mappings of the lifecycle tables: the same columns on SQLite and PostgreSQL. */
export function toPending(r: Row): PendingEnrollment {
  const publicKey = typeof r.public_key === 'string' ? r.public_key : null;
  const fingerprint = publicKey === null ? null : keyFingerprint(publicKey);
  return {
    id: Number(r.id),
    deviceId: r.device_id as string,
    hostname: r.hostname as string,
    platform: r.platform as string,
    hardwareId: (r.hardware_id as string | null) ?? null,
    serial: (r.serial as string | null) ?? null,
    publicKey,
    keyFingerprint: fingerprint,
    keyFingerprintShort: fingerprint === null ? null : shortFingerprint(fingerprint),
    reason: r.reason as string,
    status: r.status as PendingEnrollment['status'],
    createdAt: r.created_at as string,
    decidedAt: (r.decided_at as string | null) ?? null,
  };
}

export const toInventory = (r: Row): InventoryRow => ({
  key: r.key as string,
  employee: (r.employee as string | null) ?? null,
  country: (r.country as string | null) ?? null,
  group: (r.grp as string | null) ?? null,
});

export function standingOf(r: Row): DeviceStanding {
  const text = (v: unknown) => (v as string | null | undefined) ?? null;
  const num = (v: unknown) => (v as number | null | undefined) ?? null;
  return {
    status: (r.status as DeviceStatus | undefined) ?? 'active',
    statusAt: text(r.status_at),
    serial: text(r.serial),
    hardwareId: text(r.hardware_id),
    signed: r.signed === 1,
    publicKeyRegistered: typeof r.public_key === 'string',
    clockSkewS: num(r.clock_skew_s),
    policyVersion: num(r.policy_version),
    configHash: text(r.config_hash),
    codeHash: text(r.code_hash),
    serverScore: num(r.server_score),
    serverLevel: text(r.server_level),
  };
}
