import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Reporter } from '../../agent/reporter.js';
import { ensureKeyPair, loadSigner } from '../../agent/signing.js';
import { Spool } from '../../agent/spool.js';
import type { Report } from '../../schema/report.js';
import { engines } from '../helpers/engines.js';
import { captureLog } from '../agent/log-capture.js';
import { serverOn } from './engine-server.js';
import { cleanup, enroll, getJson, makeReport, postReport, startServer as startOn, type Running } from './helpers.js';
import { adminSend, deviceKey, enrollWith, postSigned, signatureFor } from './lifecycle/signed.js';

// The laptop's user picks every time a report states: a real server on loopback judges them by its own clock.

const hour = 3_600_000;
const kvm = { rule: 'ipkvm.usb', title: 'Known IP-KVM USB gadget', severity: 'high', confidence: 0.9, evidence: { usb: '1d6b:0104' } };

interface AlertBody {
  id: number;
  rule: string;
  status: string;
  severity: string;
  summary: string;
  deviceIds: string[];
  evidence: Record<string, any>;
}

describe.each(engines)('%s engine', (_name, engine) => {
  const startServer = serverOn(engine);
  let s: Running;
  beforeEach(async () => {
    s = await startServer({ silentGraceHours: 72 });
  });
  afterEach(async () => {
    await s.close();
    cleanup(s.dir);
  });

  const alertsOf = async (deviceId: string, rule?: string): Promise<AlertBody[]> =>
    ((await getJson(s.url, '/api/v1/alerts')).body.alerts as AlertBody[]).filter((a) => a.deviceIds.includes(deviceId) && (!rule || a.rule === rule));

  /** A device with a registered key, and a way to send it signed reports at the server's current time. */
  async function signedDevice(deviceId: string) {
    const key = deviceKey();
    const { body } = await enrollWith(s.url, { deviceId, publicKey: key.publicKey });
    return (report: Record<string, unknown>, signedAt = s.clock.now.getTime()) => {
      const text = JSON.stringify(report);
      return postSigned(s.url, body.token as string, text, signatureFor(key.privateKey, text, signedAt));
    };
  }

  it('a year-9999 report freezes nothing: a later critical report moves the verdict, the stop still alerts, and the future time is on record', async () => {
    const send = await signedDevice('frozen');
    const t0 = s.clock.now;
    const far = '9999-12-31T23:59:59.000Z';
    expect((await send(makeReport('frozen', { collectedAt: far, nextReportBy: far, score: 0, level: 'none', findings: [] }, t0))).status).toBe(202);

    s.clock.now = new Date(t0.getTime() + 60_000);
    const critical = makeReport('frozen', { score: 86, level: 'critical', findings: [kvm], agent: { version: '0.1.0', configHash: 'abc', health: {}, stopping: true } }, s.clock.now);
    expect((await send(critical)).status).toBe(202);
    const detail = (await getJson(s.url, '/api/v1/devices/frozen')).body;
    expect(detail.device.level).toBe('critical');
    expect(['high', 'critical']).toContain(detail.standing.serverLevel);
    expect(detail.device.nextReportBy).toBe(critical.nextReportBy);
    expect((await alertsOf('frozen', 'agent.stopped')).length).toBe(1);
    expect((await alertsOf('frozen', 'ipkvm.usb')).length).toBe(1);

    const [trace] = await alertsOf('frozen', 'agent.clock-skew');
    expect(trace).toMatchObject({ status: 'open', severity: 'low' });
    expect(trace!.evidence.adjusted).toContain('collected-in-future');
    expect(trace!.evidence.stated).toMatchObject({ collectedAt: far, nextReportBy: far });
  });

  it('a year-9999 report cannot keep a device from turning silent: its promise counts from the server\'s clock, capped by the policy (27 h by default)', async () => {
    const send = await signedDevice('promise');
    const sendFar = await signedDevice('far');
    const t0 = s.clock.now;
    const far = '9999-12-31T23:59:59.000Z';
    expect((await send(makeReport('promise', { nextReportBy: far }, t0))).status).toBe(202);
    expect((await sendFar(makeReport('far', { collectedAt: far, nextReportBy: far }, t0))).status).toBe(202);
    s.clock.now = new Date(t0.getTime() + 73 * hour);
    await s.server.runSilenceCheck();
    expect(await alertsOf('far', 'fleet.silent-agent')).toHaveLength(1);
    s.clock.now = t0;
    const detail = (await getJson(s.url, '/api/v1/devices/promise')).body;
    expect(detail.device.nextReportBy).toBe(new Date(t0.getTime() + 27 * hour).toISOString());
    expect((await alertsOf('promise', 'agent.clock-skew'))[0]?.evidence.adjusted).toEqual(['promise-beyond-policy']);

    s.clock.now = new Date(t0.getTime() + (27 + 72) * hour - 60_000);
    await s.server.runSilenceCheck();
    expect(await alertsOf('promise', 'fleet.silent-agent')).toEqual([]);
    s.clock.now = new Date(t0.getTime() + (27 + 72) * hour + 60_000);
    await s.server.runSilenceCheck();
    expect(await alertsOf('promise', 'fleet.silent-agent')).toHaveLength(1);
  });

  it('the cap is the central policy\'s thresholds.maxReportGapSec', async () => {
    expect((await adminSend(s.url, 'PUT', '/api/v1/policy', { thresholds: { maxReportGapSec: 3600 } })).status).toBe(200);
    const send = await signedDevice('capped');
    const t0 = s.clock.now;
    expect((await send(makeReport('capped', { nextReportBy: new Date(t0.getTime() + 48 * hour).toISOString() }, t0))).status).toBe(202);
    expect((await getJson(s.url, '/api/v1/devices/capped')).body.device.nextReportBy).toBe(new Date(t0.getTime() + hour).toISOString());
  });

  it('a signature refused for clock skew records agent.clock-skew on the device at once', async () => {
    const send = await signedDevice('skewed');
    const refused = await send(makeReport('skewed'), s.clock.now.getTime() + 11 * 60_000);
    expect(refused).toMatchObject({ status: 401, body: { error: 'clock_skew' } });
    expect((await getJson(s.url, '/api/v1/devices/skewed')).body.standing.clockSkewS).toBe(660);
    const [alert] = await alertsOf('skewed', 'agent.clock-skew');
    expect(alert).toMatchObject({ status: 'open', severity: 'low' });
    expect(alert!.evidence).toMatchObject({ source: 'refused-signature', skewS: 660 });
  });

  it(`skew is tamper-class only when it persists 6 h across reports; a report in sync ends a short episode`, async () => {
    const persist = await signedDevice('persist');
    const brief = await signedDevice('brief');
    const t0 = s.clock.now.getTime();
    // The laptop's own clock is 11 minutes ahead; it signs with the server's time, as the agent does.
    const ahead = (id: string) => makeReport(id, {}, new Date(s.clock.now.getTime() + 11 * 60_000));
    expect((await persist(ahead('persist'))).status).toBe(202);
    expect((await brief(ahead('brief'))).status).toBe(202);
    expect((await alertsOf('persist', 'agent.clock-skew'))[0]).toMatchObject({ status: 'open', severity: 'low' });

    s.clock.now = new Date(t0 + 3 * hour);
    expect((await brief(makeReport('brief', {}, s.clock.now))).status).toBe(202);
    expect((await alertsOf('brief', 'agent.clock-skew'))[0]).toMatchObject({ status: 'resolved' });
    expect((await persist(ahead('persist'))).status).toBe(202);
    expect((await alertsOf('persist', 'agent.clock-skew'))[0]).toMatchObject({ status: 'open', severity: 'low' });

    s.clock.now = new Date(t0 + 6 * hour + 60_000);
    expect((await persist(ahead('persist'))).status).toBe(202);
    const [tamper] = await alertsOf('persist', 'agent.clock-skew');
    expect(tamper).toMatchObject({ status: 'open', severity: 'high' });
    expect(tamper!.summary).toMatch(/tamper-class/);
    // The skewed laptop's times were moved onto the server's clock: its promise counts from the server's time.
    expect((await getJson(s.url, '/api/v1/devices/persist')).body.device.nextReportBy).toBe(new Date(s.clock.now.getTime() + 330_000).toISOString());
    // Back in sync, a tamper-class episode stays open for the SOC.
    expect((await persist(makeReport('persist', {}, s.clock.now))).status).toBe(202);
    expect((await alertsOf('persist', 'agent.clock-skew'))[0]).toMatchObject({ status: 'open', severity: 'high' });
  });

  describe('the real agent Reporter on a laptop whose clock is 11 minutes off', () => {
    let state: string;
    beforeEach(async () => {
      state = await mkdtemp(join(tmpdir(), 'fw-skew-agent-'));
    });
    afterEach(async () => {
      await rm(state, { recursive: true, force: true });
    });

    for (const offMinutes of [11, -11]) {
      it(`${offMinutes > 0 ? 'ahead' : 'behind'}: learns the server's clock from the refusal's Date header and delivers at once, not an hour later`, async () => {
        const deviceId = `agent-${offMinutes > 0 ? 'ahead' : 'behind'}`;
        const { body: enrolled } = await enrollWith(s.url, { deviceId, publicKey: await ensureKeyPair(state) });
        const laptopNow = () => Date.now() + offMinutes * 60_000;
        const logs = captureLog();
        const spool = new Spool(state, 10 * 1024 * 1024, logs.log);
        await spool.open();
        const report = makeReport(deviceId, { score: 86, level: 'critical', findings: [kvm] }, new Date(laptopNow())) as unknown as Report;
        await spool.add(report, laptopNow());
        const reporter = new Reporter({ serverUrl: s.url, token: enrolled.token as string, spool, log: logs.log, timeoutMs: 5_000, now: laptopNow, sign: await loadSigner(state, laptopNow) });
        try {
          const result = await reporter.drain();
          expect(result).toMatchObject({ sent: 1, deadLettered: 0 });
          expect(result.stopped).toBeUndefined();
          expect(reporter.retryAt).toBe(0);
          expect(Math.abs(reporter.clockOffsetMs + offMinutes * 60_000)).toBeLessThan(5_000);
        } finally {
          reporter.close();
        }
        const detail = (await getJson(s.url, `/api/v1/devices/${deviceId}`)).body;
        expect(detail.device.level).toBe('critical');
        expect(Math.abs(detail.standing.clockSkewS - offMinutes * 60)).toBeLessThan(30);
        const [alert] = await alertsOf(deviceId, 'agent.clock-skew');
        expect(alert).toMatchObject({ status: 'open', severity: 'low' });
      });
    }
  });
});

describe.each(engines)('%s engine: a promise stored before report times were judged on the server clock', (name, engine) => {
  it('counts at most 7 days (the policy cap at its largest) after the server last heard from the device', async () => {
    const url = await engine.db();
    const s = await startOn({ db: url, silentGraceHours: 72 });
    try {
      const { token } = await enroll(s.url, 'legacy');
      const t0 = s.clock.now;
      expect((await postReport(s.url, token, makeReport('legacy', {}, t0))).status).toBe(202);
      // What the ingest stored for a year-9999 report before this defence.
      const far = '9999-12-31T23:59:59.000Z';
      const sql = 'UPDATE devices SET next_report_by = $1, next_report_ms = $2, last_collected_at = $1 WHERE device_id = $3';
      if (name === 'postgres') {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(sql, [far, Date.parse(far), 'legacy']);
        await client.end();
      } else {
        const db = new Database(url);
        db.prepare('UPDATE devices SET next_report_by = ?, next_report_ms = ?, last_collected_at = ? WHERE device_id = ?').run(far, Date.parse(far), far, 'legacy');
        db.close();
      }
      const silent = async () => ((await getJson(s.url, '/api/v1/alerts')).body.alerts as AlertBody[]).filter((a) => a.rule === 'fleet.silent-agent' && a.deviceIds.includes('legacy'));
      s.clock.now = new Date(t0.getTime() + 7 * 24 * hour + 71 * hour);
      await s.server.runSilenceCheck();
      expect(await silent()).toEqual([]);
      s.clock.now = new Date(t0.getTime() + 7 * 24 * hour + 73 * hour);
      await s.server.runSilenceCheck();
      const [alert] = await silent();
      expect(alert?.evidence).toMatchObject({ nextReportBy: far, believedNextReportBy: new Date(t0.getTime() + 7 * 24 * hour + 10 * 60_000).toISOString() });
      // And the device's next report is the newest again: the stored year-9999 collection is not believed.
      expect((await postReport(s.url, token, makeReport('legacy', { score: 86, level: 'critical', findings: [kvm] }, s.clock.now))).status).toBe(202);
      expect((await getJson(s.url, '/api/v1/devices/legacy')).body.device.level).toBe('critical');
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
