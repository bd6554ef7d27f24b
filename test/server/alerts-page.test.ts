import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { cleanup, enroll, getJson, makeReport, postReport, type Running } from './helpers.js';
import { serverOn } from './engine-server.js';

interface AlertRow {
  id: number;
  rule: string;
  status: string;
}

const finding = { rule: 'ipkvm.usb', title: 'Known IP-KVM USB gadget', severity: 'high', confidence: 0.9, evidence: { usb: '1d6b:0104' } };

describe.each(engines)('GET /api/v1/alerts is paginated (%s)', (_name, engine) => {
  let s: Running;
  let all: AlertRow[];
  beforeAll(async () => {
    // Loopback as an office: no co-location alert, so the count of alerts is the count of devices.
    s = await serverOn(engine)({ officeNetworks: ['127.0.0.0/8'] });
    for (let batch = 0; batch < 7; batch++) {
      await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const id = `pager-${batch}-${i}`;
          const { token } = await enroll(s.url, id);
          const res = await postReport(s.url, token, makeReport(id, { score: 90, level: 'critical', findings: [finding] }));
          if (res.status !== 202) throw new Error(`report ${id}: ${res.status}`);
        }),
      );
    }
    all = (await getJson(s.url, '/api/v1/alerts?limit=1000')).body.alerts as AlertRow[];
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('answers a bounded default page of 100, newest first, with a cursor to the rest', async () => {
    expect(all).toHaveLength(105);
    const first = await getJson(s.url, '/api/v1/alerts');
    expect(first.status).toBe(200);
    expect(first.body.alerts).toHaveLength(100);
    expect(first.body.alerts.map((a: AlertRow) => a.id)).toEqual(all.slice(0, 100).map((a) => a.id));
    expect(typeof first.body.nextCursor).toBe('string');
    const rest = await getJson(s.url, `/api/v1/alerts?cursor=${first.body.nextCursor as string}`);
    expect(rest.body.alerts.map((a: AlertRow) => a.id)).toEqual(all.slice(100).map((a) => a.id));
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('walks every alert exactly once with limit and cursor, and the status filter pages too', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await getJson(s.url, `/api/v1/alerts?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.alerts.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.alerts.map((a: AlertRow) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((a) => a.id));

    const resolved = all.slice(10, 13).map((a) => a.id);
    for (const id of resolved) expect((await fetch(`${s.url}/api/v1/alerts/${id}/resolve`, { method: 'POST', headers: { authorization: 'Bearer admin-token-for-tests-0123456789abcdef' } })).status).toBe(200);
    const p1 = await getJson(s.url, '/api/v1/alerts?status=resolved&limit=2');
    expect(p1.body.alerts.map((a: AlertRow) => a.id)).toEqual(resolved.slice(0, 2));
    const p2 = await getJson(s.url, `/api/v1/alerts?status=resolved&limit=2&cursor=${p1.body.nextCursor as string}`);
    expect(p2.body.alerts.map((a: AlertRow) => a.id)).toEqual(resolved.slice(2));
    expect(p2.body.nextCursor).toBeUndefined();
    expect((await getJson(s.url, '/api/v1/alerts?status=open&limit=1000')).body.alerts).toHaveLength(102);
  });

  it('refuses a page size outside 1..1000 and a cursor it did not make with 400', async () => {
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'cursor=' + Buffer.from('1 OR 1=1').toString('base64url'), 'cursor=' + 'A'.repeat(41), 'cursor=LTE']) {
      const res = await getJson(s.url, `/api/v1/alerts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('the dashboard alerts page reads one bounded page, and older ones by id', async () => {
    const session = s.server.dashboard.sessions.create();
    const get = async (path: string) => (await fetch(`${s.url}${path}`, { headers: { cookie: `fw_session=${session.id}` } })).text();
    const pivot = all[50]!.id;
    const older = await get(`/dashboard/alerts?status=all&before=${pivot}`);
    const shown = [...older.matchAll(/<tr id="alert-(\d+)">/g)].map((m) => Number(m[1]));
    expect(shown).toEqual(all.slice(51).map((a) => a.id));
  });
});
