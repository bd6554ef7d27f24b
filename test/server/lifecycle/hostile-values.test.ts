import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admin, getJson, makeReport, postReport, type Running } from '../helpers.js';
import { engines } from '../../helpers/engines.js';
import { serverForBlock, serverOn } from '../engine-server.js';
import { adminSend, enrollWith } from './signed.js';

/**
 * The agent's *values* are hostile input: rule ids named after Object.prototype members, invented rule ids, a
 * thousand findings a report. None may lower the server's verdict or flood the alert list.
 */

interface AlertJson {
  rule: string;
  deviceIds: string[];
  evidence: Record<string, any>;
}
const alertsOf = async (s: Running, deviceId: string): Promise<AlertJson[]> =>
  // Every test device reports from 127.0.0.1: their co-location cluster is not what these tests are about.
  (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: AlertJson) => a.deviceIds.includes(deviceId) && a.rule !== 'fleet.colocation');

const metricsOf = async (s: Running): Promise<string> => (await fetch(`${s.url}/metrics`, { headers: admin })).text();
const counter = (text: string, series: string): number => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1] ?? 0);

const finding = (rule: string, extra: Record<string, unknown> = {}) => ({ rule, title: rule, severity: 'high', confidence: 0.95, evidence: {}, ...extra });
const anydesk = finding('remote-access.running', { subject: 'anydesk', title: 'AnyDesk running' });
const prototypeNames = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const agent = (policyVersion: number) => ({ agent: { version: '0.1.0', configHash: 'h', health: {}, policyVersion } });

describe.each(engines)('%s engine: geo rules on a time zone the laptop names', (_name, engine) => {
  const startServer = serverOn(engine);
  let s!: Running;
  // Sources through X-Forwarded-For from a trusted proxy, looked up in the shipped databases.
  serverForBlock(() => startServer({ trustedProxies: ['127.0.0.1'], expected: { countries: ['US'] } }), (running) => (s = running));

  it('a time zone named after an Object.prototype member is compared as a name: the batch is stored, no crash', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const devices = await Promise.all([...names, 'honest'].map(async (id) => ({ id, token: (await enrollWith(s.url, { deviceId: id })).body.token as string })));
    // Together, so they share a group commit: one hostile report must not fail its neighbours.
    const statuses = await Promise.all(
      devices.map(({ id, token }) =>
        postReport(s.url, token, makeReport(id, { identity: { timezone: names.includes(id) ? id : 'America/New_York' } }), { 'x-forwarded-for': '8.8.8.8' }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(devices.map(() => 202));
    for (const { id } of devices) expect((await getJson(s.url, `/api/v1/devices/${id}`)).body.source?.country).toBe('US');
  });
});

describe.each(engines)('%s engine', (_name, engine) => {
  const startServer = serverOn(engine);
  let s!: Running;
  serverForBlock(startServer, (running) => (s = running));

  it('a rule id named after an Object.prototype member neither turns the score into NaN nor hides the mismatch; it leaves agent.implausible-findings', async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'proto-1' });
    const findings = [anydesk, ...prototypeNames.map((rule) => finding(rule, { weight: 1 }))];
    expect((await postReport(s.url, e.token, makeReport('proto-1', { score: 0, level: 'none', findings, ...agent(e.policy.version) }))).status).toBe(202);
    const standing = (await getJson(s.url, '/api/v1/devices/proto-1')).body.standing;
    // AnyDesk alone: 0.6 × 0.95 = 57; the invented ids neither score nor break the arithmetic.
    expect(standing.serverScore).toBe(57);
    expect(standing.serverLevel).toBe('medium');
    const alerts = await alertsOf(s, 'proto-1');
    expect(alerts.map((a) => a.rule).sort()).toEqual(['agent.implausible-findings', 'agent.score-mismatch']);
    const trace = alerts.find((a) => a.rule === 'agent.implausible-findings') as AlertJson;
    expect(trace.evidence).toMatchObject({ unknownRuleFindings: prototypeNames.length, overCapFindings: 0 });
    expect([...trace.evidence.unknownRules].sort()).toEqual([...prototypeNames].sort());
    const mismatch = alerts.find((a) => a.rule === 'agent.score-mismatch') as AlertJson;
    expect(mismatch.evidence).toMatchObject({ serverScore: 57, ignoredFindings: prototypeNames.length });
    expect(counter(await metricsOf(s), 'farmwatch_findings_ignored_total{reason="unknown_rule"}')).toBeGreaterThanOrEqual(prototypeNames.length);
  });

  it('a snapshot the server cannot judge falls back to the agent\'s findings, and says so: agent.implausible-findings', async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'snap-1' });
    // Passes the report schema (an object with a schemaVersion), not the snapshot's.
    const snapshot = { schemaVersion: 1, collectors: 'none', processes: 42 };
    expect((await postReport(s.url, e.token, makeReport('snap-1', { score: 0, level: 'none', findings: [], snapshot, ...agent(e.policy.version) }))).status).toBe(202);
    const trace = (await alertsOf(s, 'snap-1')).find((a) => a.rule === 'agent.implausible-findings');
    expect(trace?.evidence).toMatchObject({ unknownRuleFindings: 0, overCapFindings: 0, snapshotProblem: expect.stringMatching(/^invalid snapshot: /) });
  });

  it("a device or group named after an Object.prototype member gets the defaults, and policy weights are read as the policy's own keys only", async () => {
    const put = await adminSend(s.url, 'PUT', '/api/v1/policy', { defaults: { allowTools: ['teamviewer'] }, weights: { 'remote-access.running': 0.8 } });
    expect(put.status).toBe(200);
    for (const deviceId of ['constructor', '__proto__', 'toString']) {
      const { status, body: e } = await enrollWith(s.url, { deviceId, serial: 'hasOwnProperty' });
      expect(status).toBe(200);
      expect(e.policy).toMatchObject({ allowTools: ['teamviewer'], weights: { 'remote-access.running': 0.8 } });
      expect(e.policy.group).toBeUndefined();
      expect((await postReport(s.url, e.token, makeReport(deviceId, { score: 76, level: 'high', findings: [anydesk], ...agent(e.policy.version) }))).status).toBe(202);
      const standing = (await getJson(s.url, `/api/v1/devices/${encodeURIComponent(deviceId)}`)).body.standing;
      expect(standing).toMatchObject({ serverScore: 76, serverLevel: 'high' });
    }
    expect((await adminSend(s.url, 'PUT', '/api/v1/policy', {})).status).toBe(200);
  });

  it("an agent that puts every finding in one group does not merge them: the server's rule says the group", async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'group-1' });
    const kvm = finding('ipkvm.usb', { subject: 'pikvm', group: 'remote-access' });
    const findings = [{ ...anydesk, group: 'remote-access' }, kvm];
    await postReport(s.url, e.token, makeReport('group-1', { score: 90, level: 'critical', findings, ...agent(e.policy.version) }));
    // Two groups by noisy-OR: 1 − (1 − 0.57)(1 − 0.9025) = 0.958.
    expect((await getJson(s.url, '/api/v1/devices/group-1')).body.standing.serverScore).toBe(96);
  });

  it('one device cannot flood the alert list: invented rule ids open nothing, a known rule opens one alert however many findings it has', async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'flood-1' });
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const findings = [
        anydesk,
        ...Array.from({ length: 500 }, () => finding(`invented.${randomUUID()}`, { weight: 1, confidence: 1, severity: 'critical' })),
        ...Array.from({ length: 499 }, (_, k) => finding('ipkvm.usb', { subject: `kvm-${k}`, confidence: (k % 100) / 100 })),
      ];
      const at = new Date(Date.now() + i * 1000);
      expect((await postReport(s.url, e.token, makeReport('flood-1', { score: 100, level: 'critical', findings, ...agent(e.policy.version) }, at))).status).toBe(202);
    }
    const elapsed = Date.now() - started;
    const res = await fetch(`${s.url}/api/v1/alerts`, { headers: admin });
    const text = await res.text();
    const mine = (JSON.parse(text).alerts as AlertJson[]).filter((a) => a.deviceIds.includes('flood-1') && a.rule !== 'fleet.colocation');
    expect(mine.map((a) => a.rule).sort()).toEqual(['agent.implausible-findings', 'ipkvm.usb', 'remote-access.running']);
    // The capped findings are counted, not lost, and the strongest finding of the rule is the one that scored.
    const trace = mine.find((a) => a.rule === 'agent.implausible-findings') as AlertJson;
    expect(trace.evidence).toMatchObject({ unknownRuleFindings: 500, overCapFindings: 499 - 32 });
    expect(trace.evidence.unknownRules.length).toBeLessThanOrEqual(20);
    // The strongest ipkvm.usb finding (0.99) is among the later ones: kept, so 1 − (1 − 0.57)(1 − 0.9405) = 0.974.
    expect((await getJson(s.url, '/api/v1/devices/flood-1')).body.standing.serverScore).toBe(97);
    expect(Buffer.byteLength(text)).toBeLessThan(200_000);
    expect(elapsed).toBeLessThan(30_000);
  });

  it("the policy's maxOpenAlertsPerDevice caps a device's finding alerts, strongest first; tamper-class alerts are never withheld", async () => {
    expect((await adminSend(s.url, 'PUT', '/api/v1/policy', { thresholds: { maxOpenAlertsPerDevice: 2 } })).status).toBe(200);
    const { body: e } = await enrollWith(s.url, { deviceId: 'cap-1' });
    const findings = [
      finding('network.vpn', { severity: 'medium', subject: 'astrill' }),
      anydesk,
      finding('ipkvm.usb', { severity: 'critical', subject: 'pikvm' }),
      finding('jiggler.software', { severity: 'low', subject: 'jiggler' }),
    ];
    const before = counter(await metricsOf(s), 'farmwatch_alerts_withheld_total');
    await postReport(s.url, e.token, makeReport('cap-1', { score: 0, level: 'none', findings, ...agent(e.policy.version) }));
    const rulesOpen = (await alertsOf(s, 'cap-1')).map((a) => a.rule).sort();
    expect(rulesOpen).toEqual(['agent.score-mismatch', 'ipkvm.usb', 'remote-access.running']);
    expect(counter(await metricsOf(s), 'farmwatch_alerts_withheld_total') - before).toBe(2);
    // A later report updates the alerts already open; the withheld rules still wait for room.
    await postReport(s.url, e.token, makeReport('cap-1', { score: 0, level: 'none', findings, ...agent(e.policy.version) }, new Date(Date.now() + 1000)));
    expect((await alertsOf(s, 'cap-1')).map((a) => a.rule).sort()).toEqual(rulesOpen);
    expect((await adminSend(s.url, 'PUT', '/api/v1/policy', {})).status).toBe(200);
  });
});
