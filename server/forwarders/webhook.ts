import { jsonPayload, slackPayload, teamsPayload } from './chat.js';
import { postJson, type Sender } from './sender.js';

const payloads = { json: jsonPayload, slack: slackPayload, teams: teamsPayload } as const;

export function webhookSender(opts: { url: string; headers?: Record<string, string> | undefined; format: keyof typeof payloads }): Sender {
  const payload = payloads[opts.format];
  return {
    send: (event, signal) => postJson(opts.url, payload(event), opts.headers ?? {}, signal),
    close: async () => {},
  };
}
