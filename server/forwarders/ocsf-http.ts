import { toOcsf } from './ocsf.js';
import { postJson, type Sender } from './sender.js';

/** POSTs one OCSF Detection Finding (JSON object) per event, with the configured headers. */
export function ocsfHttpSender(url: string, headers: Record<string, string>, productVersion: string): Sender {
  return {
    send: (event, signal) => postJson(url, toOcsf(event, productVersion), headers, signal),
    close: async () => {},
  };
}
