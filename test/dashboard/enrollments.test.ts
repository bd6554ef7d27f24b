import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, secrets } from '../server/helpers.js';
import { deviceKey, enrollSigned } from '../server/lifecycle/signed.js';
import { startDashboardServer, type Seeded } from './helpers.js';

// The approval page shows the key each waiting enrollment arrived with, and its Approve button binds to that key.

async function form(s: Seeded, path: string, fields: Record<string, string>, cookie = '') {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('dashboard: enrollments waiting for approval', () => {
  let s: Seeded;
  let cookie: string;
  beforeAll(async () => {
    s = await startDashboardServer();
    cookie = ((await form(s, '/dashboard/login', { token: secrets.adminToken })).headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('shows the key fingerprint; Approve carries it; an approval naming another key is refused', async () => {
    const first = deviceKey();
    expect((await enrollSigned(s.url, { deviceId: 'dash-re-1', publicKey: first.publicKey }, first.privateKey)).status).toBe(200);
    const reimaged = deviceKey();
    const queued = await enrollSigned(s.url, { deviceId: 'dash-re-1', publicKey: reimaged.publicKey }, reimaged.privateKey);
    expect(queued.status).toBe(409);
    const { id, keyFingerprint, keyFingerprintShort } = queued.body.pending as { id: number; keyFingerprint: string; keyFingerprintShort: string };

    const page = await fetch(`${s.url}/dashboard/enrollments`, { headers: { cookie } }).then((r) => r.text());
    expect(page).toContain(`<code>${keyFingerprintShort}</code>`);
    expect(page).toContain(`<code>${keyFingerprint}</code>`);
    expect(page).toContain(`action="/dashboard/enrollments/${id}/approve"`);
    expect(page).toContain(`name="keyFingerprint" value="${keyFingerprint}"`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

    const wrong = await form(s, `/dashboard/enrollments/${id}/approve`, { csrf, keyFingerprint: 'f'.repeat(64) }, cookie);
    expect(wrong.status).toBe(409);
    expect(wrong.text).toContain(keyFingerprintShort);
    expect(await fetch(`${s.url}/dashboard/enrollments`, { headers: { cookie } }).then((r) => r.text())).toContain(`/dashboard/enrollments/${id}/approve`);

    expect((await form(s, `/dashboard/enrollments/${id}/approve`, { csrf, keyFingerprint }, cookie)).status).toBe(303);
    const done = await enrollSigned(s.url, { deviceId: 'dash-re-1', publicKey: reimaged.publicKey }, reimaged.privateKey);
    expect(done.status).toBe(200);
  });
});
