import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, getJson, makeReport, postJson, postReport, type Running } from '../helpers.js';
import { engines } from '../../helpers/engines.js';
import { serverOn } from '../engine-server.js';
import { adminSend, deviceKey, enrollSigned, enrollWith, postSigned, signatureFor } from './signed.js';

// Lifecycle and signed reports: a real server on loopback, real SQLite, real HTTP.


// Every test on every storage engine (PostgreSQL when a test cluster is up; test/helpers/engines.ts).
describe.each(engines)('%s engine', (_name, engine) => {
const startServer = serverOn(engine);

describe('device lifecycle', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('rotate: the new token works, the old one is 401 at once', async () => {
    const e = await enrollWith(s.url, { deviceId: 'rot-1' });
    expect(e.status).toBe(200);
    expect((await postReport(s.url, e.body.token, makeReport('rot-1'))).status).toBe(202);
    const rotated = await postJson(s.url, '/api/v1/devices/rot-1/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await postReport(s.url, e.body.token, makeReport('rot-1'))).status).toBe(401);
    expect((await postReport(s.url, rotated.body.token, makeReport('rot-1'))).status).toBe(202);
    expect((await postJson(s.url, '/api/v1/devices/nobody/rotate')).status).toBe(404);
    expect((await postJson(s.url, '/api/v1/devices/rot-1/rotate', {})).status).toBe(401);
  });

  it('revoke: 401 at once, enrollment refused until a reset; reset lets it enroll again', async () => {
    const e = await enrollWith(s.url, { deviceId: 'rev-1' });
    expect((await postReport(s.url, e.body.token, makeReport('rev-1'))).status).toBe(202);
    expect((await postJson(s.url, '/api/v1/devices/rev-1/revoke')).body).toEqual({ deviceId: 'rev-1', status: 'revoked' });
    expect((await postReport(s.url, e.body.token, makeReport('rev-1'))).status).toBe(401);
    const again = await enrollWith(s.url, { deviceId: 'rev-1' });
    expect(again).toMatchObject({ status: 409, body: { error: 'device_revoked' } });
    expect((await getJson(s.url, '/api/v1/devices/rev-1')).body.standing.status).toBe('revoked');
    expect((await postJson(s.url, '/api/v1/devices/rev-1/reset')).status).toBe(200);
    const back = await enrollWith(s.url, { deviceId: 'rev-1' });
    expect(back.status).toBe(200);
    expect((await postReport(s.url, back.body.token, makeReport('rev-1'))).status).toBe(202);
    expect((await getJson(s.url, '/api/v1/devices/rev-1')).body.standing.status).toBe('active');
  });

  it('decommission: its alerts are resolved, it never turns silent, its token is dead', async () => {
    const e = await enrollWith(s.url, { deviceId: 'dec-1' });
    const kvm = { rule: 'ipkvm.usb', title: 'Known IP-KVM USB gadget', severity: 'high', confidence: 0.9, evidence: { usb: '1d6b:0104' } };
    expect((await postReport(s.url, e.body.token, makeReport('dec-1', { score: 86, level: 'critical', findings: [kvm] }))).status).toBe(202);
    const open = async () => (await getJson(s.url, '/api/v1/alerts?status=open')).body.alerts.filter((a: { deviceIds: string[]; rule: string }) => a.deviceIds.includes('dec-1') && a.rule !== 'fleet.colocation');
    expect((await open()).length).toBeGreaterThan(0);
    expect((await postJson(s.url, '/api/v1/devices/dec-1/decommission')).status).toBe(200);
    expect(await open()).toEqual([]);
    expect((await postReport(s.url, e.body.token, makeReport('dec-1'))).status).toBe(401);
    s.clock.now = new Date(Date.now() + 30 * 86_400_000);
    await s.server.runSilenceCheck();
    s.clock.now = new Date();
    const silent = (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string; deviceIds: string[] }) => a.rule === 'fleet.silent-agent' && a.deviceIds.includes('dec-1'));
    expect(silent).toEqual([]);
  });

  it('a colliding enrollment waits for approval; approved, the same key completes it and the old token dies; denied stays refused', async () => {
    const first = deviceKey();
    const e = await enrollWith(s.url, { deviceId: 'col-1', publicKey: first.publicKey });
    expect(e.status).toBe(200);
    const second = deviceKey();
    const clash = await enrollSigned(s.url, { deviceId: 'col-1', publicKey: second.publicKey }, second.privateKey);
    expect(clash).toMatchObject({ status: 409, body: { error: 'already_enrolled', pending: { reason: 'device id col-1 is already enrolled' } } });
    const queue = await getJson(s.url, '/api/v1/enrollments/pending');
    const entry = queue.body.pending.find((p: { deviceId: string }) => p.deviceId === 'col-1');
    expect(entry).toMatchObject({ id: clash.body.pending.id, status: 'pending', publicKey: second.publicKey });
    // Asking again does not queue twice.
    expect((await enrollSigned(s.url, { deviceId: 'col-1', publicKey: second.publicKey }, second.privateKey)).body.pending.id).toBe(entry.id);
    expect((await postJson(s.url, `/api/v1/enrollments/${entry.id}/approve`)).body.enrollment.status).toBe('approved');
    expect((await postJson(s.url, `/api/v1/enrollments/${entry.id}/deny`)).status).toBe(409);
    const done = await enrollSigned(s.url, { deviceId: 'col-1', publicKey: second.publicKey }, second.privateKey);
    expect(done.status).toBe(200);
    expect((await postReport(s.url, e.body.token, makeReport('col-1'))).status).toBe(401);
    const body = JSON.stringify(makeReport('col-1'));
    expect((await postSigned(s.url, done.body.token, body, signatureFor(second.privateKey, body, Date.now()))).status).toBe(202);

    // The same hardware under a second id, and a placeholder serial, wait too; a denied one is refused for good.
    expect((await enrollWith(s.url, { deviceId: 'hw-a', hardwareId: 'a'.repeat(64) })).status).toBe(200);
    const twinKey = deviceKey();
    const twin = await enrollSigned(s.url, { deviceId: 'hw-b', hardwareId: 'a'.repeat(64), publicKey: twinKey.publicKey }, twinKey.privateKey);
    expect(twin).toMatchObject({ status: 409, body: { error: 'pending_approval', pending: { reason: 'the same hardware is enrolled as hw-a' } } });
    const oemKey = deviceKey();
    const oemRequest = { deviceId: 'oem-1', serial: 'To be filled by O.E.M.', hardwareId: 'b'.repeat(64), publicKey: oemKey.publicKey };
    const oem = await enrollSigned(s.url, oemRequest, oemKey.privateKey);
    expect(oem).toMatchObject({ status: 409, body: { error: 'pending_approval' } });
    expect(oem.body.pending.reason).toContain('placeholder serial');
    expect((await postJson(s.url, `/api/v1/enrollments/${oem.body.pending.id}/deny`)).body.enrollment.status).toBe('denied');
    expect(await enrollSigned(s.url, oemRequest, oemKey.privateKey)).toMatchObject({ status: 403, body: { error: 'enrollment_denied' } });
  });

  it('named enroll secrets: shown once, stored hashed, limited in uses and time; the fleet secret still works', async () => {
    const created = await adminSend(s.url, 'POST', '/api/v1/enroll-secrets', { name: 'batch-7', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), uses: 1 });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect((await adminSend(s.url, 'POST', '/api/v1/enroll-secrets', { name: 'batch-7', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), uses: 1 })).status).toBe(409);
    expect((await enrollWith(s.url, { deviceId: 'sec-1', secret })).status).toBe(200);
    expect(await enrollWith(s.url, { deviceId: 'sec-2', secret })).toMatchObject({ status: 401, body: { error: 'secret_used_up' } });
    const listed = (await getJson(s.url, '/api/v1/enroll-secrets')).body.secrets;
    expect(listed).toEqual([expect.objectContaining({ name: 'batch-7', usesLeft: 0 })]);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const short = await adminSend(s.url, 'POST', '/api/v1/enroll-secrets', { name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString(), uses: 5 });
    s.clock.now = new Date(Date.now() + 120_000);
    expect(await enrollWith(s.url, { deviceId: 'sec-3', secret: short.body.secret })).toMatchObject({ status: 401, body: { error: 'secret_expired' } });
    s.clock.now = new Date();
    expect((await enrollWith(s.url, { deviceId: 'sec-4' })).status).toBe(200);
  });
});

describe('signed reports', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('accepts a good signature; refuses an altered body, a replayed nonce, a missing signature and a clock 20 minutes off (skew visible)', async () => {
    const key = deviceKey();
    const { body: enrolled } = await enrollWith(s.url, { deviceId: 'sig-1', publicKey: key.publicKey });
    const body = JSON.stringify(makeReport('sig-1'));
    const headers = signatureFor(key.privateKey, body, Date.now());
    expect((await postSigned(s.url, enrolled.token, body, headers)).status).toBe(202);

    const replay = await postSigned(s.url, enrolled.token, body, headers);
    expect(replay).toMatchObject({ status: 409, body: { error: 'replayed' } });
    const altered = body.replace('"score":12', '"score":0');
    expect(altered).not.toBe(body);
    expect(await postSigned(s.url, enrolled.token, altered, signatureFor(key.privateKey, body, Date.now()))).toMatchObject({ status: 401, body: { error: 'bad_signature' } });
    const other = deviceKey();
    expect((await postSigned(s.url, enrolled.token, body, signatureFor(other.privateKey, body, Date.now()))).body.error).toBe('bad_signature');
    expect(await postSigned(s.url, enrolled.token, JSON.stringify(makeReport('sig-1')), {})).toMatchObject({ status: 401, body: { error: 'signature_required' } });

    const late = JSON.stringify(makeReport('sig-1'));
    const skewed = await postSigned(s.url, enrolled.token, late, signatureFor(key.privateKey, late, s.clock.now.getTime() - 20 * 60_000));
    expect(skewed.status).toBe(401);
    expect(skewed.body.error).toBe('clock_skew');
    expect(skewed.body.message).toMatch(/^clock skew -1200 s/);
    const standing = (await getJson(s.url, '/api/v1/devices/sig-1')).body.standing;
    expect(standing).toMatchObject({ clockSkewS: -1200, signed: true, publicKeyRegistered: true });
    // Within the window the skew is recorded with the report.
    const ok = JSON.stringify(makeReport('sig-1'));
    expect((await postSigned(s.url, enrolled.token, ok, signatureFor(key.privateKey, ok, s.clock.now.getTime() + 90_000))).status).toBe(202);
    expect((await getJson(s.url, '/api/v1/devices/sig-1')).body.standing.clockSkewS).toBe(90);
  });

  it('a nonce stays used across a server restart', async () => {
    const key = deviceKey();
    const { body: enrolled } = await enrollWith(s.url, { deviceId: 'sig-2', publicKey: key.publicKey });
    const body = JSON.stringify(makeReport('sig-2'));
    const headers = signatureFor(key.privateKey, body, Date.now());
    expect((await postSigned(s.url, enrolled.token, body, headers)).status).toBe(202);
    await s.close();
    const again = await startServer({}, {}, s.dir);
    try {
      const replay = JSON.stringify({ ...JSON.parse(body) });
      expect(replay).toBe(body);
      expect((await postSigned(again.url, enrolled.token, body, headers)).status).toBe(409);
    } finally {
      await again.close();
      s = await startServer({}, {}, s.dir);
    }
  });
});
});
