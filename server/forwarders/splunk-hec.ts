import { randomUUID } from 'node:crypto';
import { splunkPayload } from './chat.js';
import { postJson, type Sender } from './sender.js';

/** The HEC event endpoint under the configured base URL (a URL already ending in it is taken as is). */
export function hecEndpoint(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith('/services/collector/event')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/services/collector/event`;
  return u.toString();
}

/**
 * A token with indexer acknowledgement refuses requests without a channel; one channel per sender (configured, or a
 * random UUID per server start) serves both kinds of token. Delivery counts on HEC's 2xx: the ack ids it returns are
 * not polled (Splunk drops unpolled acks after its ackIdleCleanup).
 */
export function splunkHecSender(opts: { url: string; token: string; index?: string | undefined; sourcetype?: string | undefined; channel?: string | undefined }): Sender {
  const endpoint = hecEndpoint(opts.url);
  const headers = { authorization: `Splunk ${opts.token}`, 'x-splunk-request-channel': opts.channel ?? randomUUID() };
  return {
    send: (event, signal) => postJson(endpoint, splunkPayload(event, opts), headers, signal),
    close: async () => {},
  };
}
