import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { attackText, ruleInfo } from '../../server/forwarders/rule-info.js';
import { syslogSender } from '../../server/forwarders/syslog.js';
import type { AlertEvent } from '../../server/db/records.js';
import { parseCef } from '../helpers/cef-parse.js';
import { parseRfc5424, sdParams } from '../helpers/syslog-parse.js';
import { everyRuleEvents, hostileEvent } from './hostile-events.js';
import { tcpSyslogReceiver, waitFor } from './receivers.js';

/** What survives in a one-line field: every run of control characters becomes one space. */
const expectOneLine = (v: string) => v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
/** What a CEF extension value decodes to: line breaks kept (sent as \n and \r), other control runs as one space. */
const expectCefValue = (v: string) => v.replace(/\r\n/g, '\n').replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
const rawControl = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const signal = () => AbortSignal.timeout(5_000);

async function udpReceiver() {
  const sock = createSocket('udp4');
  const datagrams: Buffer[] = [];
  sock.on('message', (m) => datagrams.push(m));
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return { port: (sock.address() as AddressInfo).port, datagrams, close: () => new Promise<void>((resolve) => sock.close(() => resolve())) };
}

/** Sends events through a real sender to a real listener and returns what arrived, each as its byte size and text. */
async function deliver(events: AlertEvent[], target: { protocol: 'udp' | 'tcp'; format: 'cef' | 'rfc5424'; maxMessageBytes?: number }): Promise<{ bytes: number; text: string }[]> {
  if (target.protocol === 'udp') {
    const rx = await udpReceiver();
    const sender = syslogSender({ host: '127.0.0.1', port: rx.port, ...target, protocol: 'udp' }, '0.1.0');
    try {
      // One at a time: loopback drops datagrams when the receive buffer fills.
      for (const e of events) {
        const before = rx.datagrams.length;
        await sender.send(e, signal());
        await waitFor(() => rx.datagrams.length > before, 3_000, 'a datagram');
      }
      return rx.datagrams.map((d) => ({ bytes: d.length, text: d.toString('utf8') }));
    } finally {
      await sender.close();
      await rx.close();
    }
  }
  const rx = await tcpSyslogReceiver();
  const sender = syslogSender({ host: '127.0.0.1', port: rx.port, ...target, protocol: 'tcp' }, '0.1.0');
  try {
    for (const e of events) await sender.send(e, signal());
    await waitFor(() => rx.messages.length >= events.length, 5_000, 'every frame');
    return rx.messages.map((m) => ({ bytes: Buffer.byteLength(m, 'utf8'), text: m }));
  } finally {
    await sender.close();
    await rx.close();
  }
}

describe('syslog and CEF output read back by independent strict parsers', () => {
  const events = everyRuleEvents();
  const got: Record<string, { bytes: number; text: string }[]> = {};
  beforeAll(async () => {
    for (const protocol of ['udp', 'tcp'] as const) for (const format of ['rfc5424', 'cef'] as const) got[`${protocol}/${format}`] = await deliver(events, { protocol, format });
  }, 60_000);

  for (const protocol of ['udp', 'tcp'] as const) {
    it(`RFC 5424 over ${protocol}: every rule, hostile hostnames, ids and process names stay inside their fields on one line`, () => {
      const out = got[`${protocol}/rfc5424`] ?? [];
      expect(out).toHaveLength(events.length);
      out.forEach(({ text, bytes }, i) => {
        const e = events[i] as AlertEvent;
        expect(text).not.toMatch(rawControl);
        expect(bytes).toBeLessThanOrEqual(protocol === 'udp' ? 2_048 : 8_192);
        const m = parseRfc5424(text);
        expect(m).toMatchObject({ pri: 13 * 8 + 3, version: 1, appName: 'farmwatch', msgId: `alert-${e.kind}` });
        const p = sdParams(m, 'farmwatch@32473');
        expect(p).toMatchObject({ eventUid: e.uid, alertId: '42', rule: e.alert.rule, title: ruleInfo(e.alert.rule).title, status: e.alert.status, severity: 'high' });
        expect(p.hostnames).toBe(e.devices.map((d) => expectOneLine(d.hostname ?? '')).join(','));
        expect(p.deviceIds).toBe(expectOneLine(e.alert.deviceIds.join(',')));
        expect(p.score).toBe(typeof e.alert.evidence.score === 'number' ? '72' : undefined);
        expect(p.attack).toBe(attackText(ruleInfo(e.alert.rule)));
        expect(p).not.toHaveProperty('truncated');
        expect(m.msg).toBe(expectOneLine(e.alert.summary));
      });
    });

    it(`CEF over ${protocol}: every rule parses, agent text round-trips escaped, cn1 comes with its label`, () => {
      const out = got[`${protocol}/cef`] ?? [];
      expect(out).toHaveLength(events.length);
      out.forEach(({ text, bytes }, i) => {
        const e = events[i] as AlertEvent;
        expect(text).not.toMatch(rawControl);
        expect(bytes).toBeLessThanOrEqual(protocol === 'udp' ? 2_048 : 8_192);
        const cef = parseCef(parseRfc5424(text).msg);
        expect(cef).toMatchObject({ version: '0', vendor: 'farmwatch', product: 'farmwatch', productVersion: '0.1.0', signatureId: e.alert.rule, name: ruleInfo(e.alert.rule).title, severity: '8' });
        const x = cef.extension;
        expect(x.dhost).toBe(expectCefValue(e.devices[0]?.hostname ?? ''));
        expect(x.msg).toBe(expectCefValue(e.alert.summary));
        expect(x.cs1).toBe(expectCefValue(e.alert.deviceIds.join(',')));
        expect(x.cs2).toBe(attackText(ruleInfo(e.alert.rule)));
        expect(JSON.parse(x.cs4 ?? '')).toEqual(JSON.parse(JSON.stringify(e.alert.evidence.findings)));
        expect(x).not.toHaveProperty('cs5');
        expect('cn1Label' in x, e.alert.rule).toBe('cn1' in x);
        if (typeof e.alert.evidence.score === 'number') expect(x).toMatchObject({ cn1Label: 'score', cn1: '72' });
        else expect(x).not.toHaveProperty('cn1Label');
      });
    });
  }
});

describe('syslog message sizes: whole fields give way, never text inside JSON', () => {
  // 50 devices with long hostile hostnames and 5 kB of evidence: far over a datagram.
  const big = hostileEvent('remote-access.running', { evidenceBytes: 5_000, devices: 50 });
  const mid = hostileEvent('remote-access.running', { evidenceBytes: 1_500 });

  it('UDP keeps each message within 2048 bytes; CEF evidence becomes a shorter valid JSON or goes, and says so', async () => {
    const [cefBig, cefMid] = await deliver([big, mid], { protocol: 'udp', format: 'cef' });
    for (const m of [cefBig, cefMid]) {
      expect(m?.bytes).toBeLessThanOrEqual(2_048);
      const x = parseCef(parseRfc5424(m?.text ?? '').msg).extension;
      expect(x).toMatchObject({ cs5Label: 'evidenceTruncated', cs5: 'true', cn1Label: 'score', cn1: '72' });
      if (x.cs4 !== undefined) expect(() => JSON.parse(x.cs4 ?? '')).not.toThrow();
      expect(x.cs4 ?? '').not.toContain('…');
    }
    // Evidence of 1.5 kB is over the CEF cap with its JSON around it: the brief form, each finding's rule, title, severity.
    const x = parseCef(parseRfc5424(cefMid?.text ?? '').msg).extension;
    expect(JSON.parse(x.cs4 ?? '')).toEqual([{ rule: 'remote-access.running', title: expect.stringMatching(/^Remote access /), severity: 'high' }]);
  });

  it('TCP takes 8192 bytes by default: evidence under the CEF cap travels whole', async () => {
    const small = hostileEvent('remote-access.running', { evidenceBytes: 800, devices: 50 });
    const [m] = await deliver([small], { protocol: 'tcp', format: 'cef' });
    expect(m?.bytes).toBeGreaterThan(2_048);
    expect(m?.bytes).toBeLessThanOrEqual(8_192);
    const x = parseCef(parseRfc5424(m?.text ?? '').msg).extension;
    expect(JSON.parse(x.cs4 ?? '')[0].evidence.padding).toHaveLength(800);
    expect(x).not.toHaveProperty('cs5');
  });

  it('RFC 5424 over UDP: the summary and device lists give way, truncated="true" says so', async () => {
    const [m] = await deliver([big], { protocol: 'udp', format: 'rfc5424' });
    expect(m?.bytes).toBeLessThanOrEqual(2_048);
    const p = sdParams(parseRfc5424(m?.text ?? ''), 'farmwatch@32473');
    expect(p).toMatchObject({ truncated: 'true', rule: 'remote-access.running', alertId: '42', score: '72' });
  });

  it('a configured maxMessageBytes holds for both formats, down to RFC 5426\'s 480', async () => {
    for (const format of ['cef', 'rfc5424'] as const) {
      const out = await deliver([big, ...everyRuleEvents().slice(0, 6)], { protocol: 'udp', format, maxMessageBytes: 480 });
      for (const m of out) {
        expect(m.bytes, format).toBeLessThanOrEqual(480);
        const parsed = parseRfc5424(m.text);
        if (format === 'cef') expect(parseCef(parsed.msg).signatureId).toEqual(expect.any(String));
        else expect(sdParams(parsed, 'farmwatch@32473').rule).toEqual(expect.any(String));
      }
    }
  });

  it('any agent text fits: 4-byte characters in a 255-character hostname, a long device id and a 10 kB summary in 480 bytes', async () => {
    const wide = hostileEvent('ipkvm.hid-shape', { evidenceBytes: 3_000 });
    wide.alert.deviceIds = ['\u{1F600}'.repeat(200)];
    wide.alert.summary = `\u{1F600}\n`.repeat(5_000);
    wide.devices = [{ deviceId: wide.alert.deviceIds[0] ?? '', hostname: '\u{1F600}'.repeat(255) }];
    for (const format of ['cef', 'rfc5424'] as const) {
      const [m] = await deliver([wide], { protocol: 'udp', format, maxMessageBytes: 480 });
      expect(m?.bytes, format).toBeLessThanOrEqual(480);
      expect(m?.text).not.toMatch(rawControl);
      const parsed = parseRfc5424(m?.text ?? '');
      if (format === 'cef') expect(parseCef(parsed.msg)).toMatchObject({ signatureId: 'ipkvm.hid-shape', extension: { cs5: 'true', externalId: '42' } });
      else expect(sdParams(parsed, 'farmwatch@32473')).toMatchObject({ rule: 'ipkvm.hid-shape', truncated: 'true', alertId: '42' });
    }
  });
});

describe('the strict parsers refuse what the grammars refuse', () => {
  it('RFC 5424: an unescaped "]" in a value, a line-broken header, a long MSGID', () => {
    expect(() => parseRfc5424('<107>1 2026-03-02T10:00:00.000Z h farmwatch 1 m [x@32473 a="b]c"] msg')).toThrow(/MUST be escaped/);
    expect(() => parseRfc5424('<107>1 2026-03-02T10:00:00.000Z h\nx farmwatch 1 m - msg')).toThrow(/PRINTUSASCII/);
    expect(() => parseRfc5424(`<107>1 2026-03-02T10:00:00.000Z h farmwatch 1 ${'m'.repeat(33)} - msg`)).toThrow(/MSGID/);
    expect(parseRfc5424('<107>1 - - - - - -')).toMatchObject({ timestamp: null, structuredData: [], msg: '' });
  });

  it('CEF: a line break, an unescaped "=" in a value, an unknown escape', () => {
    expect(() => parseCef('CEF:0|a|b|c|d|e|5|msg=x\ny')).toThrow(/one line/);
    expect(() => parseCef('CEF:0|a|b|c|d|e|5|msg=a=b')).toThrow();
    expect(() => parseCef('CEF:0|a|b|c|d|e|5|msg=a\\|b')).toThrow(/no extension escape/);
    expect(() => parseCef('CEF:0|a\\=|b|c|d|e|5|')).toThrow(/no header escape/);
    expect(parseCef('CEF:0|a\\|x|b|c|d|e|5|msg=a \\= b\\nc cs1=x')).toMatchObject({ vendor: 'a|x', extension: { msg: 'a = b\nc', cs1: 'x' } });
  });
});
