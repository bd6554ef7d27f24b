import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { attackTechnique } from '../../rules/catalog/attack-techniques.js';
import { ocsfVersion, toOcsf } from '../../server/forwarders/ocsf.js';
import { ocsfFileSender } from '../../server/forwarders/ocsf-file.js';
import { ocsfHttpSender } from '../../server/forwarders/ocsf-http.js';
import { alertRuleIds, ruleInfo } from '../../server/forwarders/rule-info.js';
import { loadOcsfSchema, validateOcsf } from '../helpers/ocsf-validate.js';
import { everyRuleEvents, hostileEvent, hostileHostname } from './hostile-events.js';
import { httpReceiver, waitFor } from './receivers.js';

const schema = loadOcsfSchema('1.5.0');
const signal = () => AbortSignal.timeout(5_000);

describe('OCSF validator (rules of OCSF\'s own validator)', () => {
  const good = toOcsf(hostileEvent('remote-access.running'), '0.1.0');
  const variant = (change: (e: Record<string, any>) => void) => {
    const e = structuredClone(good) as Record<string, any>;
    change(e);
    return validateOcsf(schema, e);
  };

  it('accepts a known-good event and finds each kind of fault', () => {
    expect(validateOcsf(schema, good)).toEqual([]);
    expect(variant((e) => delete e.finding_info)).toContain('finding_info: required');
    expect(variant((e) => delete e.finding_info.uid)).toContain('finding_info.uid: required');
    expect(variant((e) => (e.colour = 'red'))).toContain('colour: not an attribute here');
    expect(variant((e) => (e.device.colour = 'red'))).toContain('device.colour: not an attribute here');
    expect(variant((e) => (e.severity_id = 7))).toEqual([expect.stringMatching(/^severity_id: 7 is not in the enum/)]);
    expect(variant((e) => (e.severity = 'Loud'))).toEqual([expect.stringMatching(/^severity: Loud, the caption of severity_id=4 is High/)]);
    expect(variant((e) => (e.time = '2026-03-02'))).toEqual([expect.stringMatching(/^time: .* is not timestamp_t/)]);
    expect(variant((e) => (e.is_alert = 'yes'))).toEqual([expect.stringMatching(/^is_alert: .* is not boolean_t/)]);
    expect(variant((e) => (e.evidences = e.evidences[0]))).toContain('evidences: an array is expected');
    expect(variant((e) => (e.finding_info.attacks[0] = { version: '17' }))).toContain('finding_info.attacks[0]: needs at least one of tactic, technique, sub_technique');
    expect(variant((e) => (e.actor = { app_name: 'x' }))).toEqual([]);
    expect(variant((e) => {
      e.actor = { app_name: 'x' };
      delete e.metadata.profiles;
    })).toContain('actor: belongs to profile host, not in metadata.profiles');
    expect(variant((e) => (e.metadata.profiles = ['made-up']))).toContain('metadata.profiles: made-up is not a profile of class detection_finding');
    expect(variant((e) => (e.metadata.version = '1.3.0'))).toContain('metadata.version: 1.3.0, validating against 1.5.0');
    expect(variant((e) => (e.type_uid = 200402))).toContain('type_uid: 200402, class_uid × 100 + activity_id is 200401');
    expect(variant((e) => (e.device.hostname = null))).toContain('device.hostname: null (leave the attribute out instead)');
  });
});

describe('OCSF events against the official 1.5.0 schema', () => {
  it('declares the version it follows and the host profile when it names a device', () => {
    expect(ocsfVersion).toBe(schema.version);
    const e = toOcsf(hostileEvent('remote-access.running'), '0.1.0') as { metadata: Record<string, unknown>; device: Record<string, unknown> };
    expect(e.metadata).toMatchObject({ version: '1.5.0', profiles: ['host'] });
    expect(e.device.hostname).toBe(hostileHostname);
  });

  it('every rule the server can raise: a valid event, its title and every ATT&CK id with technique and tactic names', () => {
    const ids = alertRuleIds();
    for (const server of ['agent.clock-skew', 'agent.implausible-findings', 'agent.report-refused', 'agent.tampered', 'agent.score-mismatch', 'agent.stopped', 'geo.country-mismatch', 'geo.hosting-network', 'geo.impossible-travel', 'geo.timezone-mismatch', 'fleet.colocation', 'fleet.silent-agent', 'fleet.rare-tool', 'fleet.shared-fingerprint', 'fleet.neighbor-devices', 'remote-access.running', 'ipkvm.hid-shape']) {
      expect(ids, server).toContain(server);
      expect(ruleInfo(server).title, server).not.toBe(server);
    }
    for (const event of everyRuleEvents()) {
      const out = toOcsf(event, '0.1.0') as { finding_info: { title: string; attacks?: { technique: { uid: string; name?: string }; sub_technique?: { uid: string; name?: string }; tactic?: { uid: string; name: string } }[] } };
      expect(validateOcsf(schema, JSON.parse(JSON.stringify(out))), event.alert.rule).toEqual([]);
      const info = ruleInfo(event.alert.rule);
      expect(out.finding_info.title).toBe(info.title);
      const attacks = out.finding_info.attacks ?? [];
      expect(new Set(attacks.map((a) => a.sub_technique?.uid ?? a.technique.uid)), event.alert.rule).toEqual(new Set(info.attack));
      for (const id of info.attack) expect(attackTechnique(id), `${event.alert.rule} names ${id}: add it to rules/catalogs/attack-techniques.json`).toBeDefined();
      for (const a of attacks) {
        expect(a.technique.name, `${event.alert.rule} ${a.technique.uid}`).toEqual(expect.any(String));
        if (a.sub_technique) expect(a.sub_technique.name).toEqual(expect.any(String));
        expect(a.tactic?.name, `${event.alert.rule} ${a.technique.uid} tactic`).toEqual(expect.any(String));
      }
    }
  });

  it('names techniques and tactics as MITRE ATT&CK does', () => {
    const kvm = toOcsf(hostileEvent('ipkvm.hid-shape'), 'v') as { finding_info: { attacks: unknown[] } };
    expect(kvm.finding_info.attacks).toEqual([
      { version: '17', technique: { uid: 'T1219', name: 'Remote Access Tools' }, sub_technique: { uid: 'T1219.003', name: 'Remote Access Hardware' }, tactic: { uid: 'TA0011', name: 'Command and Control' } },
      { version: '17', technique: { uid: 'T1200', name: 'Hardware Additions' }, tactic: { uid: 'TA0001', name: 'Initial Access' } },
    ]);
  });

  it('the ocsf-file and ocsf-http forwarders deliver valid events for every rule', async () => {
    const events = everyRuleEvents();
    const scratch = mkdtempSync(join(tmpdir(), 'fw-ocsf-'));
    onTestFinished(() => rmSync(scratch, { recursive: true, force: true }));
    const path = join(scratch, 'ocsf.jsonl');
    const file = ocsfFileSender(path, '0.1.0');
    const receiver = await httpReceiver();
    const http = ocsfHttpSender(`${receiver.url}/ocsf`, {}, '0.1.0');
    try {
      await Promise.all(events.map((e) => file.send(e, signal())));
      for (const e of events) await http.send(e, signal());
      await waitFor(() => receiver.requests.length >= events.length, 5_000, 'every OCSF POST');
      // Split as the strictest line reader does (Python's str.splitlines): still one line per event.
      const lines = readFileSync(path, 'utf8').split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter(Boolean);
      expect(lines).toHaveLength(events.length);
      for (const body of [...lines, ...receiver.requests.map((r) => r.body)]) {
        const parsed = JSON.parse(body) as { finding_info: { analytic: { uid: string } } };
        expect(validateOcsf(schema, parsed), parsed.finding_info.analytic.uid).toEqual([]);
      }
    } finally {
      await file.close();
      await http.close();
      await receiver.close();
    }
  });
});
