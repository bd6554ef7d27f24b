import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getJson, makeReport, secrets, type Running } from '../helpers.js';
import { engines } from '../../helpers/engines.js';
import { serverForBlock, serverOn } from '../engine-server.js';
import { adminSend, deviceKey, enrollSigned, enrollSignatureFor, enrollWith, postSigned, sendEnroll, signatureFor } from './signed.js';

// The laptop's own user is the adversary: a queued re-enrollment, once approved, is completed only by a request
// with a valid enrollment secret, signed by the key the admin approved. Anything else is a 4xx and changes nothing.

/** SHA-256 hex of the raw 32-byte Ed25519 key, computed here independently of the server's code. */
const fingerprintOf = (publicKey: string) =>
  createHash('sha256').update(Buffer.from(createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }).export({ format: 'jwk' }).x as string, 'base64url')).digest('hex');

describe.each(engines)('%s engine', (_name, engine) => {
  const startServer = serverOn(engine);
  let s!: Running;
  serverForBlock(startServer, (running) => (s = running));

  const pendingOf = async (deviceId: string) =>
    ((await getJson(s.url, '/api/v1/enrollments/pending')).body.pending as Record<string, any>[]).filter((p) => p.deviceId === deviceId);
  const approve = (id: number, body?: unknown) => adminSend(s.url, 'POST', `/api/v1/enrollments/${id}/approve`, body);

  /** Enrolled with key `original`; the reimaged laptop (key `reimaged`) waits in the queue. */
  async function queuedReenrollment(deviceId: string, hardwareId: string) {
    const original = deviceKey();
    const first = await enrollSigned(s.url, { deviceId, publicKey: original.publicKey, hardwareId }, original.privateKey);
    expect(first.status).toBe(200);
    const reimaged = deviceKey();
    const queued = await enrollSigned(s.url, { deviceId, publicKey: reimaged.publicKey, hardwareId }, reimaged.privateKey);
    expect(queued).toMatchObject({ status: 409, body: { error: 'already_enrolled' } });
    return { original, reimaged, token: first.body.token as string, pendingId: queued.body.pending.id as number, queued };
  }

  it('an approved re-enrollment is not completed by a wrong secret, no key or only the hardware id; the approved key completes it', async () => {
    const hardwareId = 'c'.repeat(64);
    const { original, reimaged, token, pendingId } = await queuedReenrollment('atk-1', hardwareId);
    const reportOf = (key: typeof original, bearer: string) => {
      const body = JSON.stringify(makeReport('atk-1'));
      return postSigned(s.url, bearer, body, signatureFor(key.privateKey, body, Date.now()));
    };
    expect((await approve(pendingId)).status).toBe(200);

    // The attack that used to work: wrong secret, no key, the (world-readable) hardware id.
    const attack = await enrollWith(s.url, { deviceId: 'atk-1', secret: 'not-the-secret', hardwareId });
    expect(attack).toMatchObject({ status: 401, body: { error: 'bad_secret' } });
    expect(attack.body.token).toBeUndefined();
    // The right secret does not make the hardware id a credential.
    expect(await enrollWith(s.url, { deviceId: 'atk-1', hardwareId })).toMatchObject({ status: 409, body: { error: 'signed_key_required' } });
    // The approved public key is public: sending it unsigned, or signed by another key, proves nothing.
    expect(await enrollWith(s.url, { deviceId: 'atk-1', publicKey: reimaged.publicKey, hardwareId })).toMatchObject({ status: 401, body: { error: 'signature_required' } });
    expect(await enrollSigned(s.url, { deviceId: 'atk-1', publicKey: reimaged.publicKey, hardwareId }, deviceKey().privateKey)).toMatchObject({ status: 401, body: { error: 'bad_signature' } });
    // The attacker's own key, properly signed: not the approved one, and it does not queue either.
    const own = deviceKey();
    const other = await enrollSigned(s.url, { deviceId: 'atk-1', publicKey: own.publicKey, hardwareId }, own.privateKey);
    expect(other).toMatchObject({ status: 409, body: { error: 'approved_for_other_key' } });
    expect(await pendingOf('atk-1')).toEqual([]);
    // The right key with a wrong secret, or an old signature, is refused too.
    expect(await enrollSigned(s.url, { deviceId: 'atk-1', publicKey: reimaged.publicKey, secret: 'not-the-secret' }, reimaged.privateKey)).toMatchObject({ status: 401, body: { error: 'bad_secret' } });
    expect(await enrollSigned(s.url, { deviceId: 'atk-1', publicKey: reimaged.publicKey }, reimaged.privateKey, Date.now() - 20 * 60_000)).toMatchObject({ status: 401, body: { error: 'clock_skew' } });

    // Nothing changed: the device's token and key still work.
    expect((await reportOf(original, token)).status).toBe(202);

    const done = await enrollSigned(s.url, { deviceId: 'atk-1', publicKey: reimaged.publicKey, hardwareId }, reimaged.privateKey);
    expect(done.status).toBe(200);
    expect((await reportOf(original, token)).status).toBe(401);
    expect((await reportOf(reimaged, done.body.token)).status).toBe(202);
    // The completing request replayed: refused, and the device keeps the token it was given.
    expect(await sendEnroll(s.url, done.text, done.headers)).toMatchObject({ status: 409, body: { error: 'replayed' } });
    expect((await reportOf(reimaged, done.body.token)).status).toBe(202);
  });

  it('the queue shows the key fingerprint; an approval naming another key is refused; approval of key A does not let key B complete', async () => {
    const { original, reimaged, pendingId, queued } = await queuedReenrollment('fp-1', 'd'.repeat(64));
    const fingerprint = fingerprintOf(reimaged.publicKey);
    expect(queued.body.pending).toMatchObject({ keyFingerprint: fingerprint, keyFingerprintShort: fingerprint.slice(0, 16).match(/.{4}/g)!.join('-') });
    const [entry] = await pendingOf('fp-1');
    expect(entry).toMatchObject({ id: pendingId, publicKey: reimaged.publicKey, keyFingerprint: fingerprint, keyFingerprintShort: queued.body.pending.keyFingerprintShort });

    // The admin names the key the user read: another one is refused and the entry still waits.
    const wrong = await approve(pendingId, { keyFingerprint: fingerprintOf(original.publicKey) });
    expect(wrong).toMatchObject({ status: 409, body: { error: 'fingerprint_mismatch' } });
    expect((await pendingOf('fp-1'))[0]).toMatchObject({ id: pendingId, status: 'pending' });
    expect(await approve(pendingId, { keyFingerprint: 'abcd' })).toMatchObject({ status: 409, body: { error: 'fingerprint_mismatch' } });
    expect((await approve(pendingId, { keyFingerprint: queued.body.pending.keyFingerprintShort.toUpperCase() })).body.enrollment).toMatchObject({ status: 'approved', keyFingerprint: fingerprint });

    // Key B, signed and with the right secret, does not complete what was approved for key A (= reimaged).
    const b = deviceKey();
    const withB = await enrollSigned(s.url, { deviceId: 'fp-1', publicKey: b.publicKey }, b.privateKey);
    expect(withB).toMatchObject({ status: 409, body: { error: 'approved_for_other_key' } });
    expect(withB.body.message).toContain(queued.body.pending.keyFingerprintShort);
    expect(withB.body.token).toBeUndefined();
    expect((await enrollSigned(s.url, { deviceId: 'fp-1', publicKey: reimaged.publicKey }, reimaged.privateKey)).status).toBe(200);
  });

  it('an approval not yet used lapses when the device enrolls otherwise (a reset): its key cannot replace the device later', async () => {
    const { reimaged, pendingId } = await queuedReenrollment('lapse-1', 'f'.repeat(64));
    expect((await approve(pendingId)).status).toBe(200);
    expect((await adminSend(s.url, 'POST', '/api/v1/devices/lapse-1/reset')).status).toBe(200);
    const fresh = deviceKey();
    expect((await enrollSigned(s.url, { deviceId: 'lapse-1', publicKey: fresh.publicKey }, fresh.privateKey)).status).toBe(200);
    const late = await enrollSigned(s.url, { deviceId: 'lapse-1', publicKey: reimaged.publicKey }, reimaged.privateKey);
    expect(late).toMatchObject({ status: 409, body: { error: 'already_enrolled' } });
    expect(late.body.token).toBeUndefined();
    expect(late.body.pending.id).not.toBe(pendingId);
    expect(await approve(pendingId)).toMatchObject({ status: 409, body: { error: 'bad_transition' } });
  });

  it('a re-enrollment without a signed key is refused, not queued; a denied key stays refused', async () => {
    const key = deviceKey();
    expect((await enrollSigned(s.url, { deviceId: 'nokey-1', publicKey: key.publicKey }, key.privateKey)).status).toBe(200);
    expect(await enrollWith(s.url, { deviceId: 'nokey-1' })).toMatchObject({ status: 409, body: { error: 'signed_key_required' } });
    const unsigned = deviceKey();
    expect(await enrollWith(s.url, { deviceId: 'nokey-1', publicKey: unsigned.publicKey })).toMatchObject({ status: 409, body: { error: 'signed_key_required' } });
    expect(await pendingOf('nokey-1')).toEqual([]);
    // Signature headers without a key, or incomplete ones, are refused as such.
    const text = JSON.stringify({ secret: secrets.enrollSecret, deviceId: 'nokey-2', hostname: 'h', platform: 'linux', agentVersion: '0.1.0' });
    expect(await sendEnroll(s.url, text, enrollSignatureFor(key.privateKey, text, Date.now()))).toMatchObject({ status: 401, body: { error: 'bad_signature' } });
    const partial = enrollSignatureFor(key.privateKey, text, Date.now());
    delete partial['x-farmwatch-nonce'];
    expect(await sendEnroll(s.url, JSON.stringify({ ...JSON.parse(text), publicKey: key.publicKey }), partial)).toMatchObject({ status: 401, body: { error: 'bad_signature' } });

    const twin = deviceKey();
    const queued = await enrollSigned(s.url, { deviceId: 'nokey-1', publicKey: twin.publicKey }, twin.privateKey);
    expect(queued.status).toBe(409);
    expect((await adminSend(s.url, 'POST', `/api/v1/enrollments/${queued.body.pending.id}/deny`)).body.enrollment.status).toBe('denied');
    expect(await enrollSigned(s.url, { deviceId: 'nokey-1', publicKey: twin.publicKey }, twin.privateKey)).toMatchObject({ status: 403, body: { error: 'enrollment_denied' } });
  });

  it('a named secret: queueing takes one use, asking again and completing take none', async () => {
    const created = await adminSend(s.url, 'POST', '/api/v1/enroll-secrets', { name: 'reimage-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), uses: 1 });
    const secret = created.body.secret as string;
    const first = deviceKey();
    expect((await enrollSigned(s.url, { deviceId: 'named-1', publicKey: first.publicKey }, first.privateKey)).status).toBe(200);
    const key = deviceKey();
    const queued = await enrollSigned(s.url, { deviceId: 'named-1', publicKey: key.publicKey, secret }, key.privateKey);
    expect(queued.status).toBe(409);
    expect((await enrollSigned(s.url, { deviceId: 'named-1', publicKey: key.publicKey, secret }, key.privateKey)).body.pending.id).toBe(queued.body.pending.id);
    expect((await approve(queued.body.pending.id)).status).toBe(200);
    expect((await enrollSigned(s.url, { deviceId: 'named-1', publicKey: key.publicKey, secret }, key.privateKey)).status).toBe(200);
    const other = deviceKey();
    expect(await enrollSigned(s.url, { deviceId: 'named-2', publicKey: other.publicKey, secret }, other.privateKey)).toMatchObject({ status: 401, body: { error: 'secret_used_up' } });
  });
});
