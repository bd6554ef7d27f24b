import { z } from 'zod';
import { activitySchema } from './activity.js';
import { displaysSchema } from './displays.js';
import { hostSchema } from './host.js';
import { inputsSchema } from './inputs.js';
import { localeSchema } from './locale.js';
import { networkSchema } from './network.js';
import { processesSchema } from './processes.js';
import { remoteSessionsSchema } from './remoteSessions.js';
import { sessionsSchema } from './sessions.js';
import { softwareSchema } from './software.js';
import { usbSchema } from './usb.js';
import { errorCodes, type ErrorCode } from './errors.js';

export const domainNames = [
  'host', 'processes', 'software', 'network', 'usb', 'inputs', 'displays', 'locale', 'sessions', 'activity', 'remoteSessions',
] as const;
export type DomainName = (typeof domainNames)[number];

export const collectorErrorSchema = z.object({
  collector: z.string(),
  code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
});
export type CollectorError = z.infer<typeof collectorErrorSchema>;

export const collectorStatusSchema = z.object({
  status: z.enum(['ok', 'unsupported', 'error', 'disabled', 'skipped']),
  durationMs: z.number().nonnegative().optional(),
  reason: z.string().optional().describe('Why unsupported, disabled or skipped'),
  notes: z.array(z.string()).optional().describe('What an ok collector wants the reader to know (e.g. "no USB bus")'),
});
export type CollectorStatus = z.infer<typeof collectorStatusSchema>;

/** A domain is null when it was not collected: see `collectors` and `errors` for why. Unknown is never empty. */
export const snapshotSchema = z.object({
  schemaVersion: z.literal(1),
  collectedAt: z.string().describe('ISO 8601'),
  agentVersion: z.string(),
  platform: z.string().describe('process.platform of the collecting machine'),
  host: hostSchema.nullable(),
  processes: processesSchema.nullable(),
  software: softwareSchema.nullable(),
  network: networkSchema.nullable(),
  usb: usbSchema.nullable(),
  inputs: inputsSchema.nullable(),
  displays: displaysSchema.nullable(),
  locale: localeSchema.nullable(),
  sessions: sessionsSchema.nullable(),
  activity: activitySchema.nullable(),
  /** Optional: snapshots from agents before this domain existed lack it. */
  remoteSessions: remoteSessionsSchema.nullable().optional(),
  errors: z.array(collectorErrorSchema),
  collectors: z.record(z.string(), collectorStatusSchema).describe('What each collector did this cycle'),
});
export type Snapshot = z.infer<typeof snapshotSchema>;
