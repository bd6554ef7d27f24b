import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, enroll, getJson, makeReport, postReport, secrets } from '../server/helpers.js';
import { hostile, hostileHost, seedFleet, startDashboardServer, type Seeded } from './helpers.js';

interface Page {
  status: number;
  text: string;
  headers: Headers;
}

async function get(s: Seeded, path: string, cookie = ''): Promise<Page> {
  const res = await fetch(`${s.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function post(s: Seeded, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const cookieFrom = (p: Page) => (p.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('dashboard over HTTP (real server, real SQLite, seeded through the ingest API)', () => {
  let s: Seeded;
  let hostileId: string;
  let cookie: string;
  beforeAll(async () => {
    s = await startDashboardServer();
    ({ hostileId } = await seedFleet(s));
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('sends a visitor without a session to the sign-in page, and refuses a wrong token without a cookie', async () => {
    const page = await get(s, '/dashboard/');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/dashboard/login');
    const wrong = await post(s, '/dashboard/login', { token: 'not-the-admin-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(wrong.text).toContain('not the admin token');
  });

  it('opens a session with the admin token: HttpOnly, SameSite=Strict cookie holding a random id, never the token', async () => {
    const ok = await post(s, '/dashboard/login', { token: secrets.adminToken });
    expect(ok.status).toBe(303);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^fw_session=[A-Za-z0-9_-]{43}; Path=\/dashboard; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(secrets.adminToken);
    cookie = cookieFrom(ok);
    const again = await post(s, '/dashboard/login', { token: secrets.adminToken });
    expect(cookieFrom(again)).not.toBe(cookie);
  });

  it('shows the fleet: levels, histogram, devices, silent agents; hostile hostnames as text', async () => {
    const page = await get(s, '/dashboard/', cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    for (const n of ['01', '02', '03', '04', '05']) expect(page.text).toContain(`SIMULATED-laptop-${n}`);
    expect(page.text).toContain('aria-label="Score histogram"');
    const silent = page.text.slice(page.text.indexOf('id="silent"'), page.text.indexOf('id="devices"'));
    expect(silent).toContain('SIMULATED-laptop-03');
    expect(silent).not.toContain('SIMULATED-laptop-01');
    expect(page.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page.text).not.toContain(hostileHost);
    expect(page.text).not.toMatch(/<script/i);
  });

  it('shows a device: chart, findings with ATT&CK ids and evidence, collector errors, all escaped', async () => {
    const page = await get(s, `/dashboard/devices/${hostileId}`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain(hostile);
    expect(page.text).toContain('href="https://attack.mitre.org/techniques/T1219/"');
    expect(page.text).toContain('&lt;b&gt;T0&lt;/b&gt;');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; took too long');
    expect(page.text).toContain('aria-label="Score over time"');
    const farm = await get(s, '/dashboard/devices/simulated-01', cookie);
    expect(farm.text).toContain('href="https://attack.mitre.org/techniques/T1219/003/"');
    expect(farm.text).toContain('PiKVM Composite Device');
    // Seven reports over six hours: seven dots.
    expect(farm.text.match(/<circle class="dot/g)?.length).toBe(7);
    expect(farm.text).toContain('carried no snapshot');
    expect((await get(s, '/dashboard/devices/nope', cookie)).status).toBe(404);
  });

  it('shows co-location clusters: the three laptops, the gateway place shortened', async () => {
    const page = await get(s, '/dashboard/clusters', cookie);
    const cluster = page.text.slice(page.text.indexOf('class="panel cluster"'));
    for (const n of ['01', '02', '03']) expect(cluster).toContain(`SIMULATED-laptop-${n}`);
    expect(cluster).not.toContain('SIMULATED-laptop-04');
    expect(cluster).toContain('gateway MAC (HMAC)');
    expect(cluster).toMatch(/<code title="[0-9a-f]{64}">[0-9a-f]{12}…<\/code>/);
  });

  it('lists places and declares one (a new policy version) with the session CSRF token', async () => {
    const empty = await get(s, '/dashboard/places', cookie);
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('No office or ignored place yet');
    const csrf = csrfOf(empty.text);
    const form = { csrf, kind: 'gateway', value: 'a'.repeat(64), role: 'ignored', label: `hotel ${hostile}` };
    expect((await post(s, '/dashboard/places', { ...form, csrf: 'x'.repeat(43) }, { cookie })).status).toBe(403);
    expect((await post(s, '/dashboard/places', { ...form, role: 'farm' }, { cookie })).status).toBe(400);
    expect((await post(s, '/dashboard/places', form, { cookie })).status).toBe(303);
    const listed = await get(s, '/dashboard/places', cookie);
    expect(listed.text).toContain(`<code title="${'a'.repeat(64)}">aaaaaaaaaaaa…</code>`);
    expect(listed.text).toContain('<option value="ignored" selected>');
    expect(listed.text).not.toContain(hostile);
    expect((await getJson(s.url, '/api/v1/policy')).body.body.places).toEqual([{ kind: 'gateway', value: 'a'.repeat(64), role: 'ignored', label: `hotel ${hostile}` }]);
    expect((await getJson(s.url, '/api/v1/places')).body.places).toEqual([expect.objectContaining({ kind: 'gateway', role: 'ignored', origin: 'declared' })]);
  });

  it('acknowledges and resolves only with the session CSRF token and from the same origin', async () => {
    const alerts = (await getJson(s.url, '/api/v1/alerts?status=open')).body.alerts as { id: number; rule: string }[];
    const target = alerts.find((a) => a.rule === 'ipkvm.usb')!;
    const page = await get(s, '/dashboard/alerts', cookie);
    expect(page.text).toContain(`action="/dashboard/alerts/${target.id}/ack"`);
    const csrf = csrfOf(page.text);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await post(s, `/dashboard/alerts/${target.id}/ack`, { csrf: 'x'.repeat(43) }, { cookie })).status).toBe(403);
    expect((await post(s, `/dashboard/alerts/${target.id}/ack`, { csrf })).status).toBe(403);
    expect((await post(s, `/dashboard/alerts/${target.id}/ack`, { csrf }, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await getJson(s.url, `/api/v1/alerts?status=acknowledged`)).body.alerts).toEqual([]);
    const ok = await post(s, `/dashboard/alerts/${target.id}/ack`, { csrf }, { cookie, origin: s.url });
    expect(ok.status).toBe(303);
    const acked = (await getJson(s.url, '/api/v1/alerts?status=acknowledged')).body.alerts as { id: number }[];
    expect(acked.map((a) => a.id)).toEqual([target.id]);
    expect((await post(s, `/dashboard/alerts/${target.id}/resolve`, { csrf }, { cookie })).status).toBe(303);
    expect((await post(s, `/dashboard/alerts/${target.id}/ack`, { csrf }, { cookie })).status).toBe(409);
    // The admin API with a Bearer token is unchanged.
    expect((await getJson(s.url, '/api/v1/alerts', {})).status).toBe(401);
  });

  it('leads with the server verdict and runs device lifecycle actions with the CSRF token', async () => {
    const { token } = await enroll(s.url, 'lifecycle-laptop');
    // The laptop claims "none" for a finding the server weighs as strong: the server's verdict leads on the page.
    const finding = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'medium', confidence: 0.95, weight: 0.9, group: 'remote-access', subject: 'anydesk', evidence: { process: 'anydesk' } };
    expect((await postReport(s.url, token, makeReport('lifecycle-laptop', { score: 0, level: 'none', findings: [finding] }))).status).toBe(202);
    const device = await get(s, '/dashboard/devices/lifecycle-laptop', cookie);
    expect(device.text).toContain('Server verdict');
    expect(device.text).toMatch(/score \(server\)/);
    expect(device.text).not.toMatch(/<div class="n">0<\/div><div class="k">score \(server\)/);
    const csrf = csrfOf(device.text);
    expect(device.text).toContain('action="/dashboard/devices/lifecycle-laptop/revoke"');
    expect((await post(s, '/dashboard/devices/lifecycle-laptop/revoke', { csrf: 'x'.repeat(43) }, { cookie })).status).toBe(403);
    expect((await post(s, '/dashboard/devices/lifecycle-laptop/revoke', { csrf }, { cookie })).status).toBe(303);
    // Revoked: the old token is refused at once.
    expect((await postReport(s.url, token, makeReport('lifecycle-laptop'))).status).toBe(401);
    expect((await post(s, '/dashboard/devices/lifecycle-laptop/reset', { csrf }, { cookie })).status).toBe(303);
    const again = await enroll(s.url, 'lifecycle-laptop');
    const rotated = await post(s, '/dashboard/devices/lifecycle-laptop/rotate', { csrf }, { cookie });
    expect(rotated.status).toBe(200);
    const newToken = /<pre><code>([A-Za-z0-9_-]{43})<\/code><\/pre>/.exec(rotated.text)?.[1];
    expect(newToken).toBeDefined();
    expect((await postReport(s.url, again.token, makeReport('lifecycle-laptop'))).status).toBe(401);
    expect((await postReport(s.url, newToken!, makeReport('lifecycle-laptop'))).status).toBe(202);
    expect((await get(s, '/dashboard/enrollments', cookie)).text).toContain('Enrollments waiting for approval');
  });

  it('expires an idle session and ends one on sign-out', async () => {
    const fresh = cookieFrom(await post(s, '/dashboard/login', { token: secrets.adminToken }));
    const csrf = csrfOf((await get(s, '/dashboard/', fresh)).text);
    expect((await post(s, '/dashboard/logout', { csrf: 'wrong' }, { cookie: fresh })).status).toBe(403);
    const out = await post(s, '/dashboard/logout', { csrf }, { cookie: fresh });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await get(s, '/dashboard/', fresh)).status).toBe(303);
    // Idle for 8 h and 1 min: the clock moves forward (a negative offset).
    s.offset.ms = -(8 * 3_600_000 + 60_000);
    try {
      expect((await get(s, '/dashboard/', cookie)).status).toBe(303);
    } finally {
      s.offset.ms = 0;
    }
  });

  it('one-time links sign in once; the GET spends nothing', async () => {
    const link = s.server.dashboard.loginLink(s.url);
    const t = new URL(link).searchParams.get('t')!;
    const landing = await fetch(link);
    expect(await landing.text()).toContain('Open the dashboard');
    const first = await post(s, '/dashboard/login/once', { once: t });
    expect(first.status).toBe(303);
    expect(cookieFrom(first)).toMatch(/^fw_session=/);
    expect((await post(s, '/dashboard/login/once', { once: t })).status).toBe(401);
  });
});

describe('adminHost/adminPort: the dashboard and SOC API on their own listener', () => {
  it('serves ingest on one port and the dashboard and admin API only on the other', async () => {
    const s = await startDashboardServer({ adminHost: '127.0.0.1', adminPort: 0 });
    try {
      const admin = new URL(s.server.dashboardUrl()).origin;
      expect(admin).not.toBe(s.url);
      expect((await fetch(`${s.url}/dashboard/login`)).status).toBe(404);
      expect((await getJson(s.url, '/api/v1/devices')).status).toBe(404);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${admin}/dashboard/login`)).status).toBe(200);
      expect((await getJson(admin, '/api/v1/devices')).status).toBe(200);
      expect((await fetch(`${admin}/api/v1/enroll`, { method: 'POST' })).status).toBe(404);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
