import { describe, expect, it } from 'vitest';
import { forwardersSchema } from '../../server/forwarders/config.js';
import { postJson } from '../../server/forwarders/sender.js';
import { splunkHecSender } from '../../server/forwarders/splunk-hec.js';
import { webhookSender } from '../../server/forwarders/webhook.js';
import { everyRuleEvents, hostileEvent, hostileHostname } from './hostile-events.js';
import { hecAckReceiver, httpReceiver } from './receivers.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const rawControl = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const signal = () => AbortSignal.timeout(5_000);

/** Every string inside a JSON value. */
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

describe('Splunk HEC', () => {
  it('a token with indexer acknowledgement takes every request: one channel per forwarder, or the configured one', async () => {
    const hec = await hecAckReceiver();
    try {
      // Without a channel the receiver refuses, as Splunk does: the receiver is a real check.
      await expect(postJson(`${hec.url}/services/collector/event`, {}, {}, signal())).rejects.toThrow(/HTTP 400.*Data channel is missing/);
      const a = splunkHecSender({ url: hec.url, token: 't' });
      const b = splunkHecSender({ url: hec.url, token: 't' });
      const configured = splunkHecSender({ url: hec.url, token: 't', channel: '0c5e1c1a-8d1e-4c57-9d6a-2f5f3a0b7e11' });
      await a.send(hostileEvent('remote-access.running'), signal());
      await a.send(hostileEvent('fleet.colocation'), signal());
      await b.send(hostileEvent('agent.tampered'), signal());
      await configured.send(hostileEvent('geo.country-mismatch'), signal());
      expect(hec.refused).toBe(1);
      const channels = hec.requests.map((r) => r.headers['x-splunk-request-channel']);
      expect(channels).toHaveLength(4);
      expect(channels[0]).toMatch(uuid);
      expect(channels[1]).toBe(channels[0]);
      expect(channels[2]).toMatch(uuid);
      expect(channels[2]).not.toBe(channels[0]);
      expect(channels[3]).toBe('0c5e1c1a-8d1e-4c57-9d6a-2f5f3a0b7e11');
    } finally {
      await hec.close();
    }
  });

  it('host is one line whatever the hostname; the event keeps the agent text as JSON', async () => {
    const hec = await hecAckReceiver();
    try {
      const sender = splunkHecSender({ url: hec.url, token: 't' });
      for (const e of everyRuleEvents()) await sender.send(e, signal());
      for (const r of hec.requests) {
        const body = JSON.parse(r.body) as { host: string; source: string; event: { devices: { hostname: string }[] } };
        expect(body.host).not.toMatch(rawControl);
        expect(body.host).toBe(hostileHostname.replace(/[\r\n]+/g, ' '));
        expect(body.source).toBe('farmwatch');
        expect(body.event.devices[0]?.hostname).toBe(hostileHostname);
        expect(r.body).not.toMatch(/[\r\n\u2028\u2029]/);
      }
    } finally {
      await hec.close();
    }
  });

  it('config: a channel must be a UUID', () => {
    expect(forwardersSchema.safeParse([{ type: 'splunk-hec', url: 'https://s.example:8088', token: 't', channel: '0c5e1c1a-8d1e-4c57-9d6a-2f5f3a0b7e11' }]).success).toBe(true);
    expect(forwardersSchema.safeParse([{ type: 'splunk-hec', url: 'https://s.example:8088', token: 't', channel: 'not a uuid' }]).success).toBe(false);
    expect(forwardersSchema.safeParse([{ type: 'syslog', host: 'h', port: 514, protocol: 'udp', format: 'cef', maxMessageBytes: 479 }]).success).toBe(false);
    expect(forwardersSchema.parse([{ type: 'syslog', host: 'h', port: 514, protocol: 'udp', format: 'cef', maxMessageBytes: 1_180 }])[0]).toMatchObject({ maxMessageBytes: 1_180 });
  });
});

describe('webhooks', () => {
  it('Slack and Teams text carries no line break or control character from agent text, for every rule', async () => {
    const rx = await httpReceiver();
    try {
      for (const format of ['slack', 'teams'] as const) {
        const sender = webhookSender({ url: `${rx.url}/${format}`, format });
        for (const e of everyRuleEvents()) await sender.send(e, signal());
      }
      expect(rx.requests.length).toBeGreaterThan(0);
      for (const r of rx.requests) {
        const texts = strings(JSON.parse(r.body));
        for (const t of texts) expect(t, r.path).not.toMatch(rawControl);
        // The hostile hostname arrived, on one line.
        expect(texts.some((t) => t.includes('forged farmwatch'))).toBe(true);
      }
    } finally {
      await rx.close();
    }
  });
});
