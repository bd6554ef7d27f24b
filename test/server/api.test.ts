import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/engines.js';
import { admin, cleanup, enroll, getJson, json, makeReport, postJson, postReport, secrets, startServer, type Running } from './helpers.js';

// The same API tests on every storage engine (PostgreSQL when a test cluster is up; test/helpers/engines.ts).
describe.each(engines)('farmwatch server API (%s)', (_name, engine) => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({ db: await engine.db() });
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('enrolls a device once: a token and the fleet key; again is 409 until an admin reset', async () => {
    const first = await enroll(s.url, 'dev-enroll');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.fleetKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await fetch(`${s.url}/api/v1/enroll`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ secret: secrets.enrollSecret, deviceId: 'dev-enroll', hostname: 'h', platform: 'linux', agentVersion: '0.1.0' }),
    });
    expect(again.status).toBe(409);
    expect((await postReport(s.url, first.token, makeReport('dev-enroll'))).status).toBe(202);

    expect((await postJson(s.url, '/api/v1/devices/dev-enroll/reset', {})).status).toBe(401);
    expect((await postJson(s.url, '/api/v1/devices/nobody/reset')).status).toBe(404);
    const reset = await postJson(s.url, '/api/v1/devices/dev-enroll/reset');
    expect(reset.status).toBe(200);
    // The old token stops working; the device enrolls again with a new one and the same fleet key.
    expect((await postReport(s.url, first.token, makeReport('dev-enroll'))).status).toBe(401);
    const second = await enroll(s.url, 'dev-enroll');
    expect(second.token).not.toBe(first.token);
    expect(second.fleetKey).toBe(first.fleetKey);
    expect((await postReport(s.url, second.token, makeReport('dev-enroll'))).status).toBe(202);
  });

  it('refuses a wrong enroll secret (401) and a malformed enroll request (400 with issues)', async () => {
    const wrong = await fetch(`${s.url}/api/v1/enroll`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ secret: 'nope', deviceId: 'x', hostname: 'h', platform: 'linux', agentVersion: '1' }),
    });
    expect(wrong.status).toBe(401);
    const bad = await fetch(`${s.url}/api/v1/enroll`, { method: 'POST', headers: json, body: JSON.stringify({ secret: secrets.enrollSecret }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: { path: string[] }[] };
    expect(body.issues.map((i) => i.path[0])).toContain('deviceId');
  });

  it('ingests a report: 202 after commit, 200 duplicate, 400 with issues, 401, 403', async () => {
    const { token } = await enroll(s.url, 'dev-ingest');
    const other = await enroll(s.url, 'dev-other');
    const report = makeReport('dev-ingest', { futureField: { anything: [1, 2] } });
    const accepted = await postReport(s.url, token, report);
    expect(accepted).toMatchObject({ status: 202, body: { accepted: true } });
    const dup = await postReport(s.url, token, report);
    expect(dup).toMatchObject({ status: 200, body: { duplicate: true } });

    const invalid = await postReport(s.url, token, { ...makeReport('dev-ingest'), score: 'high' });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.issues)).toContain('score');

    expect((await postReport(s.url, 'A'.repeat(43), makeReport('dev-ingest'))).status).toBe(401);
    const noAuth = await fetch(`${s.url}/api/v1/reports`, { method: 'POST', headers: json, body: JSON.stringify(makeReport('dev-ingest')) });
    expect(noAuth.status).toBe(401);
    expect((await postReport(s.url, other.token, makeReport('dev-ingest'))).status).toBe(403);

    // gzip is accepted.
    const gz = await postReport(s.url, token, gzipSync(JSON.stringify(makeReport('dev-ingest'))), { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(202);

    const detail = await getJson(s.url, '/api/v1/devices/dev-ingest');
    expect(detail.status).toBe(200);
    expect(detail.body.device).toMatchObject({ deviceId: 'dev-ingest', hostname: 'dev-ingest.local', platform: 'linux', score: 12, level: 'low' });
    expect(detail.body.history).toHaveLength(2);
    expect(detail.body.history.map((h: { reportId: string }) => h.reportId)).toContain(report.reportId);
    expect(detail.body.findings[0]).toMatchObject({ rule: 'locale.timezone' });
  });

  it('lists devices with an opaque cursor, and needs the admin token', async () => {
    for (const id of ['page-a', 'page-b', 'page-c']) await enroll(s.url, id);
    expect((await getJson(s.url, '/api/v1/devices', {})).status).toBe(401);
    expect((await getJson(s.url, '/api/v1/devices', { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
    const all = await getJson(s.url, '/api/v1/devices');
    const ids: string[] = all.body.devices.map((d: { deviceId: string }) => d.deviceId);
    expect(ids).toEqual(expect.arrayContaining(['page-a', 'page-b', 'page-c']));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await getJson(s.url, `/api/v1/devices?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.devices.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.devices.map((d: { deviceId: string }) => d.deviceId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await getJson(s.url, '/api/v1/devices?limit=0')).status).toBe(400);
    expect((await getJson(s.url, '/api/v1/devices/none-such')).status).toBe(404);
  });

  it('opens one alert per (device, rule) at high, updated not repeated; ack and resolve', async () => {
    const { token } = await enroll(s.url, 'dev-high');
    const finding = { rule: 'ipkvm.usb', title: 'Known IP-KVM USB gadget', severity: 'high', confidence: 0.9, evidence: { usb: '1d6b:0104' } };
    for (let i = 0; i < 3; i++) {
      expect((await postReport(s.url, token, makeReport('dev-high', { score: 90, level: 'critical', findings: [finding] }))).status).toBe(202);
    }
    // Every device here reports from loopback, so fleet.colocation alerts exist too: look at device alerts only.
    const alerts = (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string; deviceIds: string[] }) => a.rule !== 'fleet.colocation' && a.deviceIds.includes('dev-high'));
    expect(alerts).toHaveLength(1);
    const alert = alerts[0];
    expect(alert).toMatchObject({ rule: 'ipkvm.usb', status: 'open', severity: 'high', deviceIds: ['dev-high'] });
    expect(Object.keys(alert).sort()).toEqual(['createdAt', 'deviceIds', 'evidence', 'id', 'rule', 'severity', 'status', 'summary', 'updatedAt']);

    expect((await postJson(s.url, `/api/v1/alerts/${alert.id}/ack`, {})).status).toBe(401);
    expect((await postJson(s.url, `/api/v1/alerts/${alert.id}/ack`)).body.alert.status).toBe('acknowledged');
    expect((await getJson(s.url, '/api/v1/alerts?status=acknowledged')).body.alerts.map((a: { id: number }) => a.id)).toContain(alert.id);
    expect((await getJson(s.url, '/api/v1/alerts?status=bogus')).status).toBe(400);
    expect((await postJson(s.url, `/api/v1/alerts/${alert.id}/resolve`)).body.alert.status).toBe('resolved');
    expect((await postJson(s.url, `/api/v1/alerts/${alert.id}/ack`)).status).toBe(409);
    expect((await postJson(s.url, '/api/v1/alerts/999999/ack')).status).toBe(404);
    expect((await postJson(s.url, '/api/v1/alerts/abc/ack')).status).toBe(400);

    // A low-level device opens none.
    const low = await enroll(s.url, 'dev-low');
    // The server re-scores findings with its own rule weights: a low verdict needs a weak finding, not a low claim.
    await postReport(s.url, low.token, makeReport('dev-low', { findings: [{ ...finding, confidence: 0.1 }] }));
    expect((await getJson(s.url, '/api/v1/alerts')).body.alerts.some((a: { rule: string; deviceIds: string[] }) => a.rule !== 'fleet.colocation' && a.deviceIds.includes('dev-low'))).toBe(false);
  });

  it('writes an alert again only when its severity, summary or members change', async () => {
    const { token } = await enroll(s.url, 'dev-steady');
    const finding = { rule: 'ipkvm.usb', title: 'Known IP-KVM USB gadget', severity: 'high', confidence: 0.9, evidence: { usb: '1d6b:0104' } };
    const alertOf = async () =>
      (await getJson(s.url, '/api/v1/alerts')).body.alerts.find((a: { rule: string; deviceIds: string[] }) => a.rule === 'ipkvm.usb' && a.deviceIds.includes('dev-steady'));
    const first = makeReport('dev-steady', { score: 90, level: 'critical', findings: [finding] });
    expect((await postReport(s.url, token, first)).status).toBe(202);
    const opened = await alertOf();
    await new Promise((r) => setTimeout(r, 20));
    expect((await postReport(s.url, token, makeReport('dev-steady', { score: 90, level: 'critical', findings: [finding] }))).status).toBe(202);
    expect(await alertOf()).toEqual(opened);
    // A stronger finding changes the server's verdict, so the summary: the alert is written again.
    const stronger = { ...finding, confidence: 1, severity: 'critical' };
    expect((await postReport(s.url, token, makeReport('dev-steady', { score: 95, level: 'critical', findings: [stronger] }))).status).toBe(202);
    const updated = await alertOf();
    expect(updated.id).toBe(opened.id);
    expect(updated.severity).toBe('critical');
    expect(updated.summary).not.toBe(opened.summary);
    expect(updated.evidence.reportId).not.toBe(opened.evidence.reportId);
  });

  it('answers /healthz without a token and /metrics with one', async () => {
    expect((await getJson(s.url, '/healthz', {})).body).toEqual({ ok: true });
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${s.url}/metrics`, { headers: admin });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^farmwatch_reports_accepted_total [1-9]\d*$/m);
    expect(text).toMatch(/^farmwatch_reports_rejected_total\{reason="unauthorized"\} [1-9]/m);
    expect(text).toMatch(/^farmwatch_reports_rejected_total\{reason="invalid"\} [1-9]/m);
    expect(text).toMatch(/^farmwatch_alerts\{rule="ipkvm.usb",status="resolved"\} 1$/m);
    expect(text).toMatch(/^farmwatch_devices\{level="low"\} [1-9]/m);
    expect(text).toMatch(/^farmwatch_ingest_duration_seconds_count [1-9]/m);
    expect((await getJson(s.url, '/nope', {})).status).toBe(404);
  });
});
