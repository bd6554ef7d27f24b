import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, enroll, getJson, makeReport, postReport, startServer, type Running } from '../server/helpers.js';
import { get, signIn } from './http.js';

const waitFor = async <T>(fn: () => T | false | undefined, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** The fleet row, the device page's lead card, the API and an OCSF line must all say the server's verdict. */
describe('one verdict everywhere: fleet page, device page, API and the OCSF forwarder agree on one report', () => {
  let s: Running;
  let ocsfPath: string;
  let cookie: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-agree-'));
    ocsfPath = join(dir, 'ocsf.jsonl');
    s = await startServer({ officeNetworks: ['127.0.0.0/8', '::1/128'], forwarders: [{ type: 'ocsf-file', path: ocsfPath }] }, { forwarderPollMs: 100 }, dir);
    cookie = await signIn(s);
  });
  afterAll(async () => {
    await s?.close();
    if (s) cleanup(s.dir);
  });

  it('a report the agent under-scores (15/low) that the server judges high: 60 on every surface, the agent’s 15 named as such', async () => {
    const { token } = await enroll(s.url, 'agree-1');
    const finding = {
      rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 1, weight: 0.1, group: 'remote-access', subject: 'anydesk',
      attack: ['T1219'], evidence: { tool: 'AnyDesk', processes: [{ name: 'anydesk', pid: 7 }] },
    };
    expect((await postReport(s.url, token, makeReport('agree-1', { score: 15, level: 'low', findings: [finding] }))).status).toBe(202);

    // API: the agent's score stays `score`; the server's verdict is its own field.
    const list = (await getJson(s.url, '/api/v1/devices')).body.devices as Record<string, unknown>[];
    const row = list.find((d) => d.deviceId === 'agree-1');
    expect(row).toMatchObject({ score: 15, level: 'low', serverScore: 60, serverLevel: 'high' });
    const detail = (await getJson(s.url, '/api/v1/devices/agree-1')).body;
    expect(detail.device).toMatchObject({ score: 15, serverScore: 60, serverLevel: 'high' });
    expect(detail.standing).toMatchObject({ serverScore: 60, serverLevel: 'high' });

    // Fleet page: the row's verdict is 60 high, the agent's 15 named below it.
    const fleet = (await get(s.url, '/dashboard/', cookie)).text;
    const table = fleet.slice(fleet.indexOf('id="devices"'));
    const fleetRow = table.slice(table.indexOf('title="agree-1"'));
    expect(fleetRow.slice(0, 800)).toMatch(/<strong>60<\/strong> <span class="badge level-high">high<\/span>.*agent 15/s);

    // Device page: the lead card, the breakdown's server side and the findings' header agree.
    const device = (await get(s.url, '/dashboard/devices/agree-1', cookie)).text;
    expect(device).toMatch(/<div class="n">60<\/div><div class="k">score \(server\) · agent 15/);
    expect(device).toContain('Server verdict: 60 <span class="badge level-high">high</span>');
    expect(device).toContain('<h1>agree-1.local <span class="badge level-high">high</span>');
    expect(device).toMatch(/weighed differently: server 0\.60 × 1\.00, agent 0\.10 × 1\.00/);

    // OCSF: the alert's risk score is the server's verdict.
    const scored = await waitFor(() => {
      const text = existsSync(ocsfPath) ? readFileSync(ocsfPath, 'utf8').trim() : '';
      const events = text ? text.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      const withScore = events.filter((e) => e.risk_score !== undefined);
      return withScore.length ? withScore : undefined;
    }, 5_000);
    expect(scored.map((e) => e.risk_score)).toEqual(scored.map(() => 60));
  });

  it('a report the agent scored 15/low that the server does not count: 0/none everywhere, the agent’s 15 explained', async () => {
    const { token } = await enroll(s.url, 'agree-2');
    const invented = { rule: 'made.up-rule', title: 'Something the server does not know', severity: 'low', confidence: 1, weight: 0.15, group: 'x', evidence: { note: 'n' } };
    expect((await postReport(s.url, token, makeReport('agree-2', { score: 15, level: 'low', findings: [invented] }))).status).toBe(202);
    const list = (await getJson(s.url, '/api/v1/devices')).body.devices as Record<string, unknown>[];
    expect(list.find((d) => d.deviceId === 'agree-2')).toMatchObject({ score: 15, level: 'low', serverScore: 0, serverLevel: 'none' });
    const fleet = (await get(s.url, '/dashboard/', cookie)).text;
    const table = fleet.slice(fleet.indexOf('id="devices"'));
    expect(table.slice(table.indexOf('title="agree-2"')).slice(0, 800)).toMatch(/<strong>0<\/strong> <span class="badge level-none">none<\/span>.*agent 15/s);
    const device = (await get(s.url, '/dashboard/devices/agree-2', cookie)).text;
    expect(device).toContain('<h1>agree-2.local <span class="badge level-none">none</span>');
    // The low finding is not listed under the "none" verdict as if it counted: it is explained as the agent's.
    expect(device).toContain('Something the server does not know</strong>: the server did not find this');
  });
});
