import { z } from 'zod';

/** Retry settings every forwarder may carry; the defaults suit a SIEM that is down for minutes to days. */
const retry = z
  .strictObject({
    minDelayMs: z.number().int().min(10).max(3_600_000).default(1_000).describe('First retry delay; doubles per attempt'),
    maxDelayMs: z.number().int().min(10).max(86_400_000).default(300_000).describe('Cap of the retry delay'),
    giveUpAfterHours: z.number().positive().max(24 * 365).default(168).describe('An event still undelivered after this is dropped (counted)'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Bound on one send (connect + write or HTTP round trip)'),
  })
  .refine((r) => r.minDelayMs <= r.maxDelayMs, { message: 'minDelayMs must not exceed maxDelayMs', path: ['minDelayMs'] })
  .prefault({});

const common = {
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').optional().describe('Names the outbox rows and metrics; defaults to the type (type-2, type-3 … for repeats)'),
  retry,
};
const httpUrl = z.url({ protocol: /^https?$/ });
const headers = z.record(z.string().min(1).max(200), z.string().max(8_192));

export const forwarderSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ocsf-file'), path: z.string().min(1), ...common }),
  z.strictObject({ type: z.literal('ocsf-http'), url: httpUrl, headers: headers.default({}), ...common }),
  z.strictObject({
    type: z.literal('syslog'),
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(['udp', 'tcp', 'tls']),
    format: z.enum(['cef', 'rfc5424']),
    maxMessageBytes: z
      .number()
      .int()
      .min(480)
      .max(65_000)
      .optional()
      .describe('Largest syslog message sent (bytes, without framing); whole fields give way above it (docs/forwarders.md). Default 2048 over udp, 8192 over tcp/tls'),
    ...common,
  }),
  z.strictObject({
    type: z.literal('splunk-hec'),
    url: httpUrl,
    token: z.string().min(1).max(1024),
    index: z.string().min(1).max(256).optional(),
    sourcetype: z.string().min(1).max(256).optional(),
    channel: z.uuid().optional().describe('X-Splunk-Request-Channel sent with every request (HEC tokens with indexer acknowledgement require one); default: a random UUID per server start'),
    ...common,
  }),
  z.strictObject({ type: z.literal('webhook'), url: httpUrl, headers: headers.optional(), format: z.enum(['json', 'slack', 'teams']), ...common }),
]);
export type ForwarderConfig = z.infer<typeof forwarderSchema>;

/** The list in the server config: names must be unique once defaulted (they key the outbox). */
export const forwardersSchema = z
  .array(forwarderSchema)
  .max(32)
  .default([])
  .refine((list) => new Set(forwarderNames(list)).size === list.length, 'forwarder names must be unique (set `name`)');

/** Each entry's name: its `name`, else its type, with -2, -3 … for later entries of the same type. */
export function forwarderNames(list: readonly Pick<ForwarderConfig, 'type' | 'name'>[]): string[] {
  const seen = new Map<string, number>();
  return list.map((f) => {
    if (f.name) return f.name;
    const n = (seen.get(f.type) ?? 0) + 1;
    seen.set(f.type, n);
    return n === 1 ? f.type : `${f.type}-${n}`;
  });
}
