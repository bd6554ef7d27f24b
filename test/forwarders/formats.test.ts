import { describe, expect, it } from 'vitest';
import { cefExtensionEscape, cefExtensions, cefHeaderEscape, toCef } from '../../server/forwarders/cef.js';
import { markdownEscape, slackEscape, slackPayload, splunkPayload, teamsPayload, jsonPayload } from '../../server/forwarders/chat.js';
import { forwardersSchema } from '../../server/forwarders/config.js';
import { backoffMs } from '../../server/forwarders/dispatcher.js';
import { toOcsf } from '../../server/forwarders/ocsf.js';
import { formatSyslog, octetCounted, parseOctetCounted, sdEscape } from '../../server/forwarders/rfc5424.js';
import { toSyslog } from '../../server/forwarders/syslog-format.js';
import type { AlertEvent } from '../../server/db/records.js';
import { hostileProcess } from './receivers.js';

const hostile = `${hostileProcess} "q" ]end`;

function event(overrides: Partial<AlertEvent['alert']> = {}, kind: AlertEvent['kind'] = 'new'): AlertEvent {
  return {
    uid: '7f1c7c1e-0000-4000-8000-000000000001',
    kind,
    at: '2026-03-02T10:00:00.000Z',
    alert: {
      id: 42,
      rule: 'remote-access.running',
      status: 'open',
      severity: 'high',
      deviceIds: ['dev-1'],
      summary: `dev-1: ${hostile} (score 60, high)`,
      evidence: { score: 60, level: 'high', findings: [{ title: hostile, severity: 'high', evidence: { process: hostile } }] },
      createdAt: '2026-03-02T09:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
      ...overrides,
    },
    devices: [{ deviceId: 'dev-1', hostname: `host|=<b>` }],
  };
}

/** Splits a CEF extension on unescaped separators, undoing the escapes: what a CEF parser does. */
function parseCefExtension(ext: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9]+)=((?:\\.|[^\\=])*?)(?= [A-Za-z0-9]+=|$)/g;
  for (const m of ext.matchAll(re)) {
    out[m[1] ?? ''] = (m[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  }
  return out;
}

describe('CEF', () => {
  it('escapes as the CEF specification examples do', () => {
    // Header: pipe and backslash.
    expect(cefHeaderEscape('detected a | in message')).toBe('detected a \\| in message');
    expect(cefHeaderEscape('detected a \\ in packet')).toBe('detected a \\\\ in packet');
    // Extension: equals and backslash escaped, a pipe left alone, line breaks as \n and \r.
    expect(cefExtensions([['act', 'blocked a = ']])).toBe('act=blocked a \\= ');
    expect(cefExtensions([['act', 'blocked a \\ ']])).toBe('act=blocked a \\\\ ');
    expect(cefExtensions([['act', 'blocked a | ']])).toBe('act=blocked a | ');
    expect(cefExtensionEscape('line1\nline2\r\nline3\r')).toBe('line1\\nline2\\nline3\\r');
    expect(() => cefExtensions([['bad key', 'x']])).toThrow();
  });

  it('keeps agent text inside its field: header with 7 unescaped pipes, extension values round-trip', () => {
    const cef = toCef(event(), '0.1.0');
    expect(cef.startsWith('CEF:0|farmwatch|farmwatch|0.1.0|remote-access.running|')).toBe(true);
    // Seven header fields, each free of unescaped pipes; the extension follows the seventh pipe.
    const header = cef.match(/^CEF:0((?:\|(?:\\.|[^\\|])*){6})\|/);
    expect(header).not.toBeNull();
    expect(header?.[1]?.split(/(?<!\\)\|/).slice(1)).toEqual(['farmwatch', 'farmwatch', '0.1.0', 'remote-access.running', 'Remote-access software is running', '8']);
    expect(cef).not.toMatch(/[\r\n]/);
    const ext = parseCefExtension(cef.slice(header?.[0].length ?? 0));
    expect(ext.msg).toBe(`dev-1: ${hostile} (score 60, high)`);
    expect(ext.dhost).toBe('host|=<b>');
    expect(JSON.parse(ext.cs4 ?? '')[0].evidence.process).toBe(hostile);
    expect(ext.cn1).toBe('60');
    expect(cef).toContain('|8|'); // high
  });
});

describe('RFC 5424', () => {
  it('formats header, structured data and MSG', () => {
    const m = formatSyslog({
      facility: 13,
      severity: 3,
      timestamp: new Date('2026-03-02T10:00:00.123Z'),
      hostname: 'fw host',
      appName: 'farmwatch',
      procId: '77',
      msgId: 'alert-new',
      structuredData: { 'farmwatch@32473': { rule: 'a"b]c\\d' } },
      msg: 'hello',
    });
    expect(m).toBe('<107>1 2026-03-02T10:00:00.123Z fw_host farmwatch 77 alert-new [farmwatch@32473 rule="a\\"b\\]c\\\\d"] hello');
    expect(sdEscape('"]\\')).toBe('\\"\\]\\\\');
    expect(formatSyslog({ facility: 1, severity: 6, timestamp: new Date(0), hostname: '', appName: 'x', procId: '', msgId: '', structuredData: null, msg: '' })).toBe(
      '<14>1 1970-01-01T00:00:00.000Z - x - - -',
    );
  });

  it('frames by bytes, not characters', () => {
    const framed = octetCounted('é→x');
    expect(framed.toString('utf8')).toBe('6 é→x');
    expect(parseOctetCounted(Buffer.concat([framed, octetCounted('second'), Buffer.from('9 incom')]))).toMatchObject({ messages: ['é→x', 'second'] });
  });

  it('carries hostile agent text in escaped SD values and a one-line MSG', () => {
    const m = toSyslog(event(), 'rfc5424', '0.1.0', 'siem-host');
    expect(m).toMatch(/^<107>1 2026-03-02T10:00:00\.000Z siem-host farmwatch \d+ alert-new \[farmwatch@32473 /);
    expect(m).toContain('hostnames="host|=<b>"');
    expect(m).not.toMatch(/[\r\n]/);
    const sd = m.slice(m.indexOf('['), m.indexOf('] dev-1') + 1);
    // Every '"' and ']' inside values is escaped: the element ends at the first unescaped ']'.
    expect(sd.match(/(?<!\\)\]/g)).toHaveLength(1);
    expect(m.endsWith(`dev-1: ${hostile.replace('\n', ' ')} (score 60, high)`)).toBe(true);
    expect(toSyslog(event(), 'cef', '0.1.0', 'h')).toMatch(/^<107>1 \S+ h farmwatch \d+ alert-new - CEF:0\|/);
  });
});

describe('OCSF Detection Finding', () => {
  it('maps a new alert, an acknowledgement and a resolution', () => {
    const created = toOcsf(event(), '0.1.0');
    expect(created).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401, activity_id: 1, severity_id: 4, status_id: 1, risk_score: 60, time: Date.parse('2026-03-02T10:00:00.000Z') });
    expect(created.finding_info).toMatchObject({ uid: 'farmwatch-alert-42', analytic: { uid: 'remote-access.running', type_id: 1 }, attacks: [{ technique: { uid: 'T1219' } }] });
    expect(JSON.parse(JSON.stringify(created)).evidences[0].data.evidence.process).toBe(hostile);
    expect(toOcsf(event({ status: 'acknowledged' }, 'update'), 'v')).toMatchObject({ type_uid: 200402, status_id: 2 });
    expect(toOcsf(event({ status: 'resolved' }, 'update'), 'v')).toMatchObject({ type_uid: 200403, activity_id: 3, status_id: 4 });
    const silent = toOcsf(event({ rule: 'fleet.silent-agent', severity: 'medium', evidence: { lastSeen: 'x' } }), 'v');
    expect(silent).not.toHaveProperty('risk_score');
    expect(silent).toMatchObject({ severity_id: 3, finding_info: { attacks: [{ technique: { uid: 'T1562' }, sub_technique: { uid: 'T1562.001' } }] } });
  });
});

describe('webhook payloads', () => {
  it('Slack: &, < and > escaped in mrkdwn; agent text only in plain_text objects', () => {
    expect(slackEscape('<script>&')).toBe('&lt;script&gt;&amp;');
    const p = slackPayload(event()) as { text: string; mrkdwn: boolean; blocks: { fields?: { type: string; text: string }[] }[] };
    expect(p.mrkdwn).toBe(false);
    expect(p.text).not.toMatch(/[<>]/);
    expect(p.text).toContain('&lt;script&gt;');
    const fields = p.blocks.flatMap((b) => b.fields ?? []);
    for (const f of fields.filter((x) => x.type === 'mrkdwn')) expect(f.text).not.toContain('script');
    expect(fields.some((f) => f.type === 'plain_text' && f.text.includes('*bold*'))).toBe(true);
  });

  it('Teams: every markdown character escaped', () => {
    expect(markdownEscape('*bold* <script> a=b | [x](y)')).toBe('\\*bold\\* \\<script\\> a\\=b \\| \\[x\\]\\(y\\)');
    const text = JSON.stringify(teamsPayload(event()));
    expect(text).toContain('\\\\*bold\\\\*');
    expect(text).not.toMatch(/[^\\]\*bold/);
    expect(text).not.toMatch(/[^\\]<script/);
  });

  it('JSON and Splunk carry the event unchanged', () => {
    expect(JSON.parse(JSON.stringify(jsonPayload(event()))).alert.summary).toBe(`dev-1: ${hostile} (score 60, high)`);
    expect(splunkPayload(event(), { index: 'sec' })).toMatchObject({ time: Date.parse('2026-03-02T10:00:00.000Z') / 1000, host: 'host|=<b>', source: 'farmwatch', sourcetype: 'farmwatch:alert', index: 'sec' });
    expect(splunkPayload(event(), {})).not.toHaveProperty('index');
  });
});

describe('config and backoff', () => {
  it('accepts each documented shape and refuses others', () => {
    const ok = forwardersSchema.parse([
      { type: 'ocsf-file', path: '/var/log/farmwatch/ocsf.jsonl' },
      { type: 'ocsf-http', url: 'https://collector.example/ocsf', headers: { authorization: 'Bearer x' } },
      { type: 'syslog', host: 'siem.example', port: 6514, protocol: 'tls', format: 'cef' },
      { type: 'syslog', host: '10.0.0.5', port: 514, protocol: 'udp', format: 'rfc5424' },
      { type: 'splunk-hec', url: 'https://splunk.example:8088', token: 't' },
      { type: 'webhook', url: 'https://hooks.slack.com/services/x', format: 'slack', retry: { minDelayMs: 500 } },
    ]);
    expect(ok[5]?.retry).toMatchObject({ minDelayMs: 500, maxDelayMs: 300_000, timeoutMs: 10_000 });
    for (const bad of [
      [{ type: 'syslog', host: 'h', port: 514, protocol: 'http', format: 'cef' }],
      [{ type: 'webhook', url: 'https://x.example' }],
      [{ type: 'webhook', url: 'ftp://x.example', format: 'json' }],
      [{ type: 'ocsf-file', path: '/x', extra: 1 }],
      [{ type: 'kafka', url: 'x' }],
      [{ type: 'ocsf-file', path: '/a', name: 'same' }, { type: 'ocsf-file', path: '/b', name: 'same' }],
    ]) {
      expect(forwardersSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('backs off exponentially with jitter, capped', () => {
    const policy = { minDelayMs: 1_000, maxDelayMs: 60_000 };
    expect(backoffMs(1, policy, () => 0)).toBe(500);
    expect(backoffMs(1, policy, () => 1)).toBe(1_000);
    expect(backoffMs(4, policy, () => 1)).toBe(8_000);
    expect(backoffMs(40, policy, () => 1)).toBe(60_000);
    expect(backoffMs(40, policy, () => 0)).toBe(30_000);
  });
});
