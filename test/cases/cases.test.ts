import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsp } from '../../server/dashboard/case-export.js';
import { escape } from '../../server/dashboard/html.js';
import { cleanup, getJson, postJson } from '../server/helpers.js';
import { hostile, hostileHost, seedFleet, startDashboardServer, type Seeded } from '../dashboard/helpers.js';
import { apiPost, csrfOf, get, postForm, signIn } from './http.js';

interface CaseJson {
  id: number;
  key: string;
  kind: string;
  deviceIds: string[];
  state: string;
  reason: string | null;
  severity: string;
  why: string;
}

describe('cases over HTTP (real server, real SQLite, the simulated fleet and a hostile agent)', () => {
  let s: Seeded;
  let hostileId: string;
  let cookie: string;
  beforeAll(async () => {
    s = await startDashboardServer();
    ({ hostileId } = await seedFleet(s));
    cookie = await signIn(s);
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('gathers alerts into one case per device and one per co-location cluster, the most severe open first', async () => {
    const alerts = (await getJson(s.url, '/api/v1/alerts?limit=1000')).body.alerts as { id: number; rule: string; deviceIds: string[]; status: string }[];
    const { body, status } = await getJson(s.url, '/api/v1/cases');
    expect(status).toBe(200);
    const cases = body.cases as CaseJson[];
    const deviceKeys = new Set(alerts.filter((a) => a.rule !== 'fleet.colocation').flatMap((a) => a.deviceIds.map((d) => `device:${d}`)));
    expect(cases.filter((c) => c.kind === 'device').map((c) => c.key).sort()).toEqual([...deviceKeys].sort());
    const cluster = cases.find((c) => c.kind === 'cluster');
    expect(cluster?.deviceIds).toEqual(['simulated-01', 'simulated-02', 'simulated-03']);
    // Fewer cases than alerts: the analyst works devices, not (device, rule) pairs.
    expect(cases.length).toBeLessThan(alerts.length);
    const rank = ['info', 'low', 'medium', 'high', 'critical'];
    const ranks = cases.map((c) => rank.indexOf(c.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(cases.every((c) => c.state === 'new' && c.why.length > 0)).toBe(true);
    expect((await getJson(s.url, '/api/v1/cases', {})).status).toBe(401);
  });

  it('acts on the case and on its alerts; the alert routes keep working beside it', async () => {
    const cases = (await getJson(s.url, '/api/v1/cases')).body.cases as CaseJson[];
    const c = cases.find((x) => x.key === 'device:simulated-01') as CaseJson;
    const mine = async () => ((await getJson(s.url, '/api/v1/alerts?limit=1000')).body.alerts as { id: number; rule: string; deviceIds: string[]; status: string }[]).filter((a) => a.rule !== 'fleet.colocation' && a.deviceIds.includes('simulated-01'));
    expect((await apiPost(s.url, `/api/v1/cases/${c.id}/state`, { state: 'investigating' }, 'wrong-token-wrong-token-wrong')).status).toBe(401);
    const investigating = await apiPost(s.url, `/api/v1/cases/${c.id}/state`, { state: 'investigating' });
    expect(investigating.status).toBe(200);
    expect(investigating.body.case.state).toBe('investigating');
    expect((await mine()).every((a) => a.status === 'acknowledged')).toBe(true);
    expect((await apiPost(s.url, `/api/v1/cases/${c.id}/state`, { state: 'investigating' })).status).toBe(409);
    expect((await apiPost(s.url, `/api/v1/cases/${c.id}/state`, { state: 'resolved' })).status).toBe(400);
    expect((await apiPost(s.url, `/api/v1/cases/${c.id}/assign`, { assignee: 'dana' })).body.case.assignee).toBe('dana');
    expect((await apiPost(s.url, `/api/v1/cases/${c.id}/notes`, { text: 'called the user' })).status).toBe(200);
    const resolved = await apiPost(s.url, `/api/v1/cases/${c.id}/state`, { state: 'resolved', reason: 'farm-confirmed' });
    expect(resolved.body.case).toMatchObject({ state: 'resolved', reason: 'farm-confirmed' });
    expect((await mine()).filter((a) => a.status !== 'resolved')).toEqual([]);
    expect((await mine()).length).toBeGreaterThan(0);
    const one = (await getJson(s.url, `/api/v1/cases/${c.id}`)).body;
    expect(one.timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['opened', 'state', 'assign', 'note', 'score', 'alert']));
    expect(one.timeline.find((e: { kind: string; text: string }) => e.kind === 'note').text).toBe('called the user');
    expect(one.devices[0].breakdown.server.score).toBeGreaterThan(0);

    // The alert routes, unchanged.
    const other = ((await getJson(s.url, '/api/v1/alerts?status=open')).body.alerts as { id: number }[])[0]!;
    expect((await postJson(s.url, `/api/v1/alerts/${other.id}/ack`)).status).toBe(200);
  });

  it('exports a case as one self-contained, escaped HTML file with a strict policy, admin only, every export logged', async () => {
    const c = ((await getJson(s.url, `/api/v1/cases?device=${hostileId}`)).body.cases as CaseJson[])[0]!;
    expect((await getJson(s.url, `/api/v1/cases/${c.id}/export`, {})).status).toBe(401);
    expect((await get(s.url, `/dashboard/cases/${c.id}/export`)).status).toBe(303);

    const res = await fetch(`${s.url}/api/v1/cases/${c.id}/export`, { headers: { authorization: `Bearer ${(await import('../server/helpers.js')).secrets.adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="farmwatch-case-${c.id}.html"`);
    const file = await res.text();
    // The hostile process and device names are text: escaped, never markup.
    expect(file).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(file).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(file).not.toContain(hostile);
    expect(file).not.toContain(hostileHost);
    expect(file).not.toMatch(/<script|<img|<link|<iframe|src=["']?http/i);
    // Its own strict policy: no script at all, one stylesheet by hash, nothing fetched.
    expect(file).toContain(`<meta http-equiv="Content-Security-Policy" content="${escape(exportCsp)}">`);
    expect(exportCsp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/);
    expect(exportCsp).not.toMatch(/unsafe|script-src/);
    // The rule's description and false positives travel with the finding.
    expect(file).toContain('Known false positives');

    // The dashboard's export, with a session; both exports are on the case's timeline with who made them.
    const page = await get(s.url, `/dashboard/cases/${c.id}`, cookie);
    expect(page.text).toContain(`href="/dashboard/cases/${c.id}/export"`);
    const dash = await get(s.url, `/dashboard/cases/${c.id}/export`, cookie);
    expect(dash.status).toBe(200);
    expect(dash.text).not.toContain(hostile);
    const events = ((await getJson(s.url, `/api/v1/cases/${c.id}`)).body.timeline as { kind: string; actor: string }[]).filter((e) => e.kind === 'export');
    expect(events.map((e) => e.actor)).toEqual([expect.stringMatching(/^admin token from /), expect.stringMatching(/^dashboard session [0-9a-f]{8} from /)]);
  });

  it('resolves from the dashboard only with a reason and the session CSRF token', async () => {
    const c = ((await getJson(s.url, '/api/v1/cases?state=open')).body.cases as CaseJson[]).find((x) => x.kind === 'cluster')!;
    const page = await get(s.url, `/dashboard/cases/${c.id}`, cookie);
    const csrf = csrfOf(page.text);
    expect((await postForm(s.url, `/dashboard/cases/${c.id}/state`, { csrf: 'x'.repeat(43), state: 'resolved', reason: 'sanctioned-tool' }, cookie)).status).toBe(403);
    expect((await postForm(s.url, `/dashboard/cases/${c.id}/state`, { csrf, state: 'resolved' }, cookie)).status).toBe(400);
    expect((await postForm(s.url, `/dashboard/cases/${c.id}/state`, { csrf, state: 'resolved', reason: 'sanctioned-tool' }, cookie)).status).toBe(303);
    expect((await getJson(s.url, `/api/v1/cases/${c.id}`)).body.case).toMatchObject({ state: 'resolved', reason: 'sanctioned-tool' });
  });
});
