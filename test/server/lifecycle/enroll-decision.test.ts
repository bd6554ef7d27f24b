import { describe, expect, it } from 'vitest';
import { fingerprintMatches, keyFingerprint, shortFingerprint } from '../../../schema/enroll-proof.js';
import { approvalRefusal, decideEnrollment, type EnrollFacts } from '../../../server/lifecycle/enroll-decision.js';
import type { PendingEnrollment } from '../../../server/lifecycle/storage-types.js';
import { deviceKey } from './signed.js';

// The one enrollment decision both engines use: pure, so every branch is checked here on plain facts; the HTTP
// tests beside this file run the same decisions through a real server on SQLite and PostgreSQL.

const a = keyFingerprint(deviceKey().publicKey)!;
const b = keyFingerprint(deviceKey().publicKey)!;
const now = new Date('2026-01-01T00:00:00Z');

const entry = (id: number, status: PendingEnrollment['status'], fingerprint: string | null): PendingEnrollment => ({
  id, deviceId: 'd', hostname: 'h', platform: 'linux', hardwareId: 'e'.repeat(64), serial: null, publicKey: null,
  keyFingerprint: fingerprint, keyFingerprintShort: fingerprint && shortFingerprint(fingerprint), reason: 'r', status, createdAt: now.toISOString(), decidedAt: null,
});

const facts = (over: Partial<EnrollFacts> = {}): EnrollFacts => ({
  deviceId: 'd', keyFingerprint: a, keyProven: true, nonceSeen: false, serial: null, secret: { kind: 'legacy' },
  device: { status: 'active', hasToken: true }, pending: [], twin: null, now, ...over,
});

describe('decideEnrollment', () => {
  it('completes an approval only for the proven, approved key with a valid secret', () => {
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)] }))).toEqual({ action: 'complete', approvedId: 7, secretName: null, takeSecretUse: false });
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], keyProven: false }))).toMatchObject({ action: 'refuse', code: 'signature_required', httpStatus: 401 });
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], keyFingerprint: null, keyProven: false }))).toMatchObject({ action: 'refuse', code: 'signed_key_required' });
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], keyFingerprint: b }))).toMatchObject({ action: 'refuse', code: 'approved_for_other_key', httpStatus: 409 });
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], secret: { kind: 'named', found: null } }))).toMatchObject({ action: 'refuse', code: 'bad_secret' });
    const expired = { kind: 'named' as const, found: { name: 'n', expiresAt: '2025-12-31T00:00:00Z', usesLeft: 3 } };
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], secret: expired }))).toMatchObject({ action: 'refuse', code: 'secret_expired' });
    const usedUp = { kind: 'named' as const, found: { name: 'n', expiresAt: '2027-01-01T00:00:00Z', usesLeft: 0 } };
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], secret: usedUp }))).toMatchObject({ action: 'complete', secretName: 'n' });
    expect(decideEnrollment(facts({ pending: [entry(7, 'approved', a)], nonceSeen: true }))).toMatchObject({ action: 'refuse', code: 'replayed' });
  });

  it('never lets the hardware id identify: a keyless request with the approved entry\'s hardware id is refused', () => {
    expect(decideEnrollment(facts({ keyFingerprint: null, keyProven: false, pending: [entry(7, 'approved', a)], twin: 'other' }))).toMatchObject({ action: 'refuse' });
    expect(decideEnrollment(facts({ keyFingerprint: null, keyProven: false, device: null, twin: 'other' }))).toMatchObject({ action: 'refuse', code: 'signed_key_required' });
  });

  it('queues a proven key once, takes a named secret\'s use only for a new entry, refuses a denied key', () => {
    const named = { kind: 'named' as const, found: { name: 'n', expiresAt: '2027-01-01T00:00:00Z', usesLeft: 1 } };
    expect(decideEnrollment(facts({ secret: named }))).toEqual({ action: 'queue', reason: 'device id d is already enrolled', collision: 'device-id', openId: null, takeSecretUse: true });
    expect(decideEnrollment(facts({ secret: { ...named, found: { ...named.found, usesLeft: 0 } }, pending: [entry(3, 'pending', a)] }))).toMatchObject({ action: 'queue', openId: 3, takeSecretUse: false });
    expect(decideEnrollment(facts({ secret: { ...named, found: { ...named.found, usesLeft: 0 } } }))).toMatchObject({ action: 'refuse', code: 'secret_used_up' });
    expect(decideEnrollment(facts({ pending: [entry(3, 'denied', a)] }))).toMatchObject({ action: 'refuse', code: 'enrollment_denied', httpStatus: 403 });
    expect(decideEnrollment(facts({ pending: [entry(3, 'denied', b)] }))).toMatchObject({ action: 'queue', openId: null });
    expect(decideEnrollment(facts({ device: null, serial: 'To be filled by O.E.M.' }))).toMatchObject({ action: 'queue', collision: 'placeholder-serial' });
    expect(decideEnrollment(facts({ device: null, twin: 'hw-a' }))).toMatchObject({ action: 'queue', collision: 'hardware' });
  });

  it('enrolls at once without a collision (keyless agents too); revoked and decommissioned devices wait for a reset', () => {
    expect(decideEnrollment(facts({ device: null, keyFingerprint: null, keyProven: false }))).toEqual({ action: 'enroll', secretName: null, takeSecretUse: false });
    expect(decideEnrollment(facts({ device: { status: 'active', hasToken: false } }))).toMatchObject({ action: 'enroll' });
    expect(decideEnrollment(facts({ device: { status: 'revoked', hasToken: false } }))).toMatchObject({ action: 'refuse', code: 'device_revoked' });
  });
});

describe('approvalRefusal and fingerprints', () => {
  it('binds an approval to the entry\'s key', () => {
    expect(approvalRefusal(entry(1, 'pending', null), 'approved', undefined)).toMatchObject({ code: 'no_signing_key' });
    expect(approvalRefusal(entry(1, 'pending', null), 'denied', undefined)).toBeNull();
    expect(approvalRefusal(entry(1, 'pending', a), 'approved', undefined)).toBeNull();
    expect(approvalRefusal(entry(1, 'pending', a), 'approved', shortFingerprint(a))).toBeNull();
    expect(approvalRefusal(entry(1, 'pending', a), 'approved', b)).toMatchObject({ code: 'fingerprint_mismatch' });
  });

  it('matches full or short spellings of at least 16 hex digits, nothing shorter; bad keys have no fingerprint', () => {
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintMatches(a, a.toUpperCase())).toBe(true);
    expect(fingerprintMatches(a, shortFingerprint(a))).toBe(true);
    expect(fingerprintMatches(a, a.slice(0, 15))).toBe(false);
    expect(fingerprintMatches(a, `${a.slice(0, 16)}zz`)).toBe(false);
    expect(keyFingerprint('not a key')).toBeNull();
    expect(keyFingerprint('')).toBeNull();
  });
});
