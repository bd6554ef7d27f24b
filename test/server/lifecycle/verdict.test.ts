import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySnapshot } from '../../helpers/snapshot.js';
import { cleanup, getJson, makeReport, postReport, type Running } from '../helpers.js';
import { engines } from '../../helpers/engines.js';
import { serverOn } from '../engine-server.js';
import { adminSend, enrollWith } from './signed.js';

// The server's verdict, central policy, tamper evidence, inventory.

const alertsOf = async (s: Running, deviceId: string, rule: string) =>
  (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string; deviceIds: string[] }) => a.rule === rule && a.deviceIds.includes(deviceId));


// Every test on every storage engine (PostgreSQL when a test cluster is up; test/helpers/engines.ts).
describe.each(engines)('%s engine', (_name, engine) => {
const startServer = serverOn(engine);

describe("the server's verdict and policy", () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer();
    const put = await adminSend(s.url, 'PUT', '/api/v1/policy', { defaults: { expected: { timezones: ['Europe/*'] }, allowTools: ['teamviewer'] }, groups: { us: { expected: { timezones: ['America/*'] } } } });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it("a local edit of expected or allow does not lower the server's verdict: it re-evaluates the snapshot and re-scores findings", async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'ver-1' });
    expect(e.policy).toMatchObject({ expected: { timezones: ['Europe/*'] }, allowTools: ['teamviewer'] });
    // The laptop's own config expected Asia/* and so it scored itself 0; the snapshot says Asia/Seoul.
    const snapshot = emptySnapshot({ locale: { timezone: 'Asia/Seoul', utcOffsetMinutes: 540, locale: 'ko-KR', languages: [], keyboardLayouts: [], inputMethods: [] } });
    const r = await postReport(s.url, e.token, makeReport('ver-1', { score: 0, level: 'none', findings: [], snapshot, agent: { version: '0.1.0', configHash: 'h1', health: {}, policyVersion: e.policy.version } }));
    expect(r.status).toBe(202);
    const detail = (await getJson(s.url, '/api/v1/devices/ver-1')).body;
    expect(detail.device.score).toBe(0);
    expect(detail.standing.serverScore).toBe(45);
    expect(detail.standing.serverLevel).toBe('medium');
    // 45 points over the agent's: itself a finding.
    expect(await alertsOf(s, 'ver-1', 'agent.score-mismatch')).toHaveLength(1);

    // Without a snapshot: an AnyDesk finding the laptop allow-listed itself (suppressed, weight 0) scores under the server's policy.
    const anydesk = { rule: 'remote-access.running', title: 'AnyDesk running', severity: 'high', confidence: 0.95, subject: 'anydesk', suppressed: true, suppressedBy: 'allow.tools: anydesk', weight: 0, evidence: {} };
    const teamviewer = { ...anydesk, subject: 'teamviewer', title: 'TeamViewer running' };
    await postReport(s.url, e.token, makeReport('ver-1', { score: 0, level: 'none', findings: [anydesk, teamviewer] }));
    const after = (await getJson(s.url, '/api/v1/devices/ver-1')).body.standing;
    expect(after.serverScore).toBeGreaterThan(30);
    // The server's own allow list still suppresses the sanctioned tool.
    await postReport(s.url, e.token, makeReport('ver-1', { score: 0, level: 'none', findings: [teamviewer] }));
    expect((await getJson(s.url, '/api/v1/devices/ver-1')).body.standing.serverScore).toBe(0);
  });

  it('a policy change reaches the device in the next report answer; the group from the imported inventory applies', async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'pol-1', serial: 'SN-POL-1' });
    const v1 = e.policy.version as number;
    const same = await postReport(s.url, e.token, makeReport('pol-1', { agent: { version: '0.1.0', configHash: 'h', health: {}, policyVersion: v1 } }));
    expect(same.body.policy).toEqual({ version: v1 });
    const csv = 'Serial,Assigned Employee,Expected Country,Group\nSN-POL-1,Ada Lovelace,us,us\nSN-NEVER,Grace Hopper,GB,\n,nobody,US,us\nSN-BAD,x,USA,us\n';
    const imported = await adminSend(s.url, 'POST', '/api/v1/policy/import', csv, 'text/csv');
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ version: v1 + 1, imported: 2 });
    expect(imported.body.skipped.map((k: { line: number }) => k.line)).toEqual([4, 5]);
    const next = await postReport(s.url, e.token, makeReport('pol-1', { agent: { version: '0.1.0', configHash: 'h', health: {}, policyVersion: v1 } }));
    expect(next.body.policy).toMatchObject({ version: v1 + 1, group: 'us', expected: { timezones: ['America/*'], countries: ['US'] } });
    const missing = (await getJson(s.url, '/api/v1/inventory/missing')).body.missing;
    expect(missing).toEqual([{ key: 'SN-NEVER', employee: 'Grace Hopper', country: 'GB', group: null }]);
  });

  it('a changed config hash raises agent.tampered; a policy or agent version change explains it; a stopping report raises agent.stopped', async () => {
    const { body: e } = await enrollWith(s.url, { deviceId: 'tam-1' });
    const agent = (configHash: string, extra: Record<string, unknown> = {}) => ({ agent: { version: '0.1.0', configHash, codeHash: 'c1', health: {}, policyVersion: 1, ...extra } });
    const at = (m: number) => new Date(Date.now() + m * 60_000);
    expect((await postReport(s.url, e.token, makeReport('tam-1', agent('h1'), at(0)))).status).toBe(202);
    expect((await postReport(s.url, e.token, makeReport('tam-1', agent('h1'), at(1)))).status).toBe(202);
    expect(await alertsOf(s, 'tam-1', 'agent.tampered')).toEqual([]);
    // Explained: a new policy version, then a new agent version.
    await postReport(s.url, e.token, makeReport('tam-1', agent('h2', { policyVersion: 2 }), at(2)));
    await postReport(s.url, e.token, makeReport('tam-1', { ...agent('h3', { policyVersion: 2, version: '0.2.0', codeHash: 'c2' }), agentVersion: '0.2.0' }, at(3)));
    expect(await alertsOf(s, 'tam-1', 'agent.tampered')).toEqual([]);
    // Unexplained: same versions, other config hash.
    await postReport(s.url, e.token, makeReport('tam-1', { ...agent('h4', { policyVersion: 2, version: '0.2.0', codeHash: 'c2' }), agentVersion: '0.2.0' }, at(4)));
    const tampered = await alertsOf(s, 'tam-1', 'agent.tampered');
    expect(tampered).toHaveLength(1);
    expect(tampered[0].evidence).toMatchObject({ changed: ['config'], previousConfigHash: 'h3', configHash: 'h4' });
    // And a code hash change under the same version.
    await postReport(s.url, e.token, makeReport('tam-1', { ...agent('h4', { policyVersion: 2, version: '0.2.0', codeHash: 'c3' }), agentVersion: '0.2.0' }, at(5)));
    expect((await alertsOf(s, 'tam-1', 'agent.tampered'))[0].evidence.changed).toEqual(['code']);
    // A code hash that disappears under the same version is no way out of the check.
    const { codeHash: _dropped, ...withoutHash } = agent('h4', { policyVersion: 2, version: '0.2.0' }).agent;
    await postReport(s.url, e.token, makeReport('tam-1', { agent: { ...withoutHash, codeHashUnavailable: 'could not read' }, agentVersion: '0.2.0' }, at(5.5)));
    expect((await alertsOf(s, 'tam-1', 'agent.tampered'))[0].evidence).toMatchObject({ changed: ['code-hash-missing'], previousCodeHash: 'c3', codeHashUnavailable: 'could not read' });

    await postReport(s.url, e.token, makeReport('tam-1', { ...agent('h4', { policyVersion: 2, version: '0.2.0', codeHash: 'c3', stopping: true }), agentVersion: '0.2.0' }, at(6)));
    expect(await alertsOf(s, 'tam-1', 'agent.stopped')).toHaveLength(1);
  });

  it('refuses an invalid policy with the issues and keeps the version', async () => {
    const before = (await getJson(s.url, '/api/v1/policy')).body.version;
    const bad = await adminSend(s.url, 'PUT', '/api/v1/policy', { defaults: { expected: { countries: ['USA'] } }, weights: { 'locale.timezone': 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(expect.arrayContaining(['defaults.expected.countries.0', 'weights.locale.timezone']));
    expect((await getJson(s.url, '/api/v1/policy')).body.version).toBe(before);
  });
});
});
