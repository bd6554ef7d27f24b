import { describe, expect, it } from 'vitest';
import { attackIds, type RuleMeta } from '../../rules/types.js';
import { registeredRules } from '../../rules/registry.js';
import { toCef } from '../../server/forwarders/cef.js';
import { jsonPayload, markdownEscape, slackPayload, splunkPayload, teamsPayload } from '../../server/forwarders/chat.js';
import { toOcsf } from '../../server/forwarders/ocsf.js';
import { sdId, toSyslog } from '../../server/forwarders/syslog-format.js';
import { parseCef } from '../helpers/cef-parse.js';
import { parseRfc5424, sdParams } from '../helpers/syslog-parse.js';
import { hostileEvent } from './hostile-events.js';

/** What a rule's alert must carry in every format: its title, and its ATT&CK ids or the word "none". */
const expected = (rule: RuleMeta) => ({ title: rule.title, attack: rule.attack === 'none' ? 'none' : attackIds(rule).join(',') });

type Carried = { title: string | undefined; attack: string | undefined };

/** Every forwarder format, each reduced to the title and ATT&CK text a receiver reads from it. */
const formats: Record<string, (rule: string) => Carried> = {
  ocsf: (rule) => {
    const e = toOcsf(hostileEvent(rule), '0.1.0') as {
      finding_info: { title: string; attacks?: { technique: { uid: string }; sub_technique?: { uid: string } }[] };
      unmapped: { farmwatch: { attack?: string } };
    };
    const ids = [...new Set((e.finding_info.attacks ?? []).map((a) => a.sub_technique?.uid ?? a.technique.uid))];
    return { title: e.finding_info.title, attack: ids.length ? ids.join(',') : e.unmapped.farmwatch.attack };
  },
  cef: (rule) => {
    const cef = parseCef(toCef(hostileEvent(rule), '0.1.0'));
    return { title: cef.name, attack: cef.extension.cs2Label === 'attack' ? cef.extension.cs2 : undefined };
  },
  'syslog-cef': (rule) => {
    const cef = parseCef(parseRfc5424(toSyslog(hostileEvent(rule), 'cef', '0.1.0', 'fw', 2_048)).msg);
    return { title: cef.name, attack: cef.extension.cs2 };
  },
  'syslog-rfc5424': (rule) => {
    const p = sdParams(parseRfc5424(toSyslog(hostileEvent(rule), 'rfc5424', '0.1.0', 'fw', 2_048)), sdId);
    return { title: p.title, attack: p.attack };
  },
  'splunk-hec': (rule) => {
    const body = JSON.parse(JSON.stringify(splunkPayload(hostileEvent(rule), {}))) as { event: { rule: { title: string; attack: string | string[] } } };
    const a = body.event.rule.attack;
    return { title: body.event.rule.title, attack: Array.isArray(a) ? a.join(',') : a };
  },
  'webhook-json': (rule) => {
    const body = JSON.parse(JSON.stringify(jsonPayload(hostileEvent(rule)))) as { rule: { title: string; attack: string | string[] } };
    return { title: body.rule.title, attack: Array.isArray(body.rule.attack) ? body.rule.attack.join(',') : body.rule.attack };
  },
  'webhook-slack': (rule) => {
    const body = slackPayload(hostileEvent(rule)) as { blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    const header = body.blocks.find((b) => b.type === 'header')?.text?.text;
    const fact = body.blocks.find((b) => b.fields?.[0]?.text === '*ATT&amp;CK*')?.fields?.[1]?.text;
    return { title: header?.replace(/^farmwatch: /, ''), attack: fact?.replace(/, /g, ',') };
  },
  'webhook-teams': (rule) => {
    const body = teamsPayload(hostileEvent(rule)) as { attachments: { content: { body: [{ text: string }, { facts: { title: string; value: string }[] }] } }[] };
    const [title, facts] = body.attachments[0]?.content.body ?? [];
    const fact = facts?.facts.find((f) => f.title === markdownEscape('ATT&CK'))?.value;
    return { title: title?.text.replace(/^farmwatch: /, ''), attack: fact?.replace(/, /g, ',') };
  },
};

describe('every registered rule in every forwarder format', () => {
  it('covers every rule, endpoint, server and fleet alike', () => {
    expect(registeredRules.length).toBeGreaterThan(30);
    for (const runs of ['endpoint', 'server', 'fleet']) expect(registeredRules.some((r) => r.runs === runs), runs).toBe(true);
  });

  for (const [format, carried] of Object.entries(formats)) {
    it(`${format}: the rule's title and its ATT&CK ids, or "none"`, () => {
      for (const rule of registeredRules) {
        const want = expected(rule);
        const got = carried(rule.id);
        // Teams escapes markdown: compare the title as a receiver renders it.
        const title = format === 'webhook-teams' ? markdownEscape(want.title) : format === 'webhook-slack' ? want.title.slice(0, 150 - 'farmwatch: '.length) : want.title;
        expect(got.title, `${format} ${rule.id}`).toBe(title);
        expect(got.title, `${format} ${rule.id}: the id as title`).not.toBe(rule.id);
        expect(got.attack, `${format} ${rule.id}`).toBe(format === 'webhook-teams' ? markdownEscape(want.attack.replace(/,/g, ', ')).replace(/, /g, ',') : want.attack);
      }
    });
  }

  it('geo.*, agent.* and fleet.rare-tool go out with their titles, not their ids', () => {
    for (const id of ['geo.impossible-travel', 'geo.country-mismatch', 'agent.tampered', 'agent.clock-skew', 'fleet.rare-tool']) {
      const cef = parseCef(toCef(hostileEvent(id), '0.1.0'));
      expect(cef.name).not.toBe(id);
      expect(cef.name).toBe(registeredRules.find((r) => r.id === id)?.title);
    }
    expect(parseCef(toCef(hostileEvent('geo.impossible-travel'), '0.1.0')).extension.cs2).toBe('T1090,T1133');
    expect(parseCef(toCef(hostileEvent('agent.report-refused'), '0.1.0')).extension.cs2).toBe('none');
  });
});
