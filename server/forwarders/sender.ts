import type { AlertEvent } from '../db/records.js';
import { jsonOneLine } from './text.js';

/** One forwarder's transport. `send` resolves once the target took the event, and rejects otherwise. */
export interface Sender {
  send(event: AlertEvent, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export class DeliveryError extends Error {
  override name = 'DeliveryError';
}

/** POSTs JSON (on one line, see jsonOneLine); any status but 2xx is a failure (retried). The response body is read (bounded) and discarded. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'farmwatch-forwarder', ...headers },
    body: jsonOneLine(body),
    signal,
    redirect: 'error',
  });
  const text = (await res.text()).slice(0, 200);
  if (res.status < 200 || res.status >= 300) throw new DeliveryError(`HTTP ${res.status}${text ? `: ${text}` : ''}`);
}
