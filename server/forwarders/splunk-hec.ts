import { splunkPayload } from './chat.js';
import { postJson, type Sender } from './sender.js';

/** The HEC event endpoint under the configured base URL (a URL already ending in it is taken as is). */
export function hecEndpoint(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith('/services/collector/event')) u.pathname = `${u.pathname.replace(/\/+$/, '')}/services/collector/event`;
  return u.toString();
}

export function splunkHecSender(opts: { url: string; token: string; index?: string | undefined; sourcetype?: string | undefined }): Sender {
  const endpoint = hecEndpoint(opts.url);
  const headers = { authorization: `Splunk ${opts.token}` };
  return {
    send: (event, signal) => postJson(endpoint, splunkPayload(event, opts), headers, signal),
    close: async () => {},
  };
}
