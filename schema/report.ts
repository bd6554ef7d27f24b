import { z } from 'zod';
import { findingSchema, levels } from './finding.js';
import { devicePolicySchema } from './policy.js';

/**
 * The server's body limit for one report, in bytes after decompression (server/body.ts). The agent keeps each report
 * `reportHeadroomBytes` under it (agent/report-budget.ts), so a report is trimmed and marked rather than refused.
 */
export const reportBodyLimit = 1024 * 1024;
export const reportHeadroomBytes = 16 * 1024;
/** The default and highest byte budget of one report the agent builds (config `report.maxBytes`). */
export const reportByteBudget = reportBodyLimit - reportHeadroomBytes;

/** Set by the agent when its report was cut to fit the byte budget: what was cut, so nothing is lost silently. */
export const truncatedSchema = z.looseObject({
  bytesBefore: z.number().int().nonnegative().describe('Size of the report as built, in bytes of JSON'),
  bytesAfter: z.number().int().nonnegative().optional().describe('Size after trimming'),
  budget: z.number().int().nonnegative().optional().describe('The byte budget it was cut to'),
  cuts: z
    .array(z.looseObject({ path: z.string().max(200), removed: z.number().int().nonnegative() }))
    .max(64)
    .describe('Each list or field cut, e.g. {"path": "snapshot.processes", "removed": 540}'),
});
export type Truncated = z.infer<typeof truncatedSchema>;

/** A report the server refused as too large (HTTP 413), told in the agent's next, smaller report. */
export const refusedSchema = z.looseObject({
  reportId: z.uuid().describe('The refused report'),
  bytes: z.number().int().nonnegative().describe('Its size in bytes of JSON as sent'),
  status: z.number().int().describe('The HTTP status it got (413)'),
  collectedAt: z.iso.datetime({ offset: true }).optional(),
});
export type Refused = z.infer<typeof refusedSchema>;

/** Agent self-measurement for the cycle that produced the report. Open: newer agents may add fields. */
export const healthSchema = z.looseObject({
  cpuMs: z.number().nonnegative().optional(),
  wallMs: z.number().nonnegative().optional(),
  rssMiB: z.number().nonnegative().optional(),
  forks: z.number().int().nonnegative().optional(),
  spoolEntries: z.number().int().nonnegative().optional(),
  spoolDropped: z.number().int().nonnegative().optional(),
  deadLettered: z.number().int().nonnegative().optional(),
  restraint: z.array(z.string()).optional().describe('What the agent is doing to stay within budget, and why'),
  refused: refusedSchema.optional().describe('The server refused a report as too large: this report replaces it (the server alerts agent.report-refused)'),
});

/** HMAC-SHA256 hex under the fleet key: the server compares places without learning them. */
const placeHash = z.string().regex(/^[0-9a-f]{64}$/, 'HMAC-SHA256 hex');

export const identitySchema = z.looseObject({
  timezone: z.string(),
  gatewayMac: placeHash.optional(),
  wifiBssid: placeHash.optional(),
  neighborMacs: z.array(placeHash).max(1024).optional(),
  selfMacs: z.array(placeHash).max(64).optional().describe("HMACs of the laptop's own interface MACs: fleet.neighbor-devices finds it in others' neighbour tables"),
});

/** Wire format v1 of POST /api/v1/reports. Unknown fields are accepted (newer agents must not be locked out). */
export const reportSchema = z.looseObject({
  reportId: z.uuid(),
  deviceId: z.string().min(1).max(128),
  agentVersion: z.string().max(64),
  collectedAt: z.iso.datetime({ offset: true }),
  sentAt: z.iso.datetime({ offset: true }),
  nextReportBy: z.iso.datetime({ offset: true }),
  score: z.number().int().min(0).max(100),
  level: z.enum(levels),
  findings: z.array(findingSchema).max(1000),
  agent: z.looseObject({
    version: z.string().max(64),
    configHash: z.string().max(128),
    health: healthSchema,
    codeHash: z.string().max(128).optional().describe('SHA-256 of the code that runs (the bundle or executable file, or the package\'s code files), computed once at start'),
    codeHashUnavailable: z.string().max(512).optional().describe('Why codeHash is absent: the agent could not read its own code'),
    policyVersion: z.number().int().nonnegative().optional().describe('Version of the server policy this report was evaluated under'),
    stopping: z.boolean().optional().describe('The last report of a service being stopped'),
  }),
  identity: identitySchema,
  snapshot: z.looseObject({ schemaVersion: z.number() }).optional(),
  truncated: truncatedSchema.optional().describe('The agent cut this report to fit its byte budget (docs/agent.md): what was cut'),
});
export type Report = z.infer<typeof reportSchema>;

export const enrollRequestSchema = z.looseObject({
  secret: z.string().min(1).max(1024),
  deviceId: z.string().min(1).max(128),
  hostname: z.string().max(255),
  platform: z.string().max(32),
  agentVersion: z.string().max(64),
  publicKey: z.string().max(200).optional().describe('Ed25519 public key, base64 SPKI DER: every report is then signed'),
  hardwareId: z.string().max(128).optional().describe('SHA-256 hex of the machine id: the same hardware under two ids waits for approval'),
  serial: z.string().max(128).optional().describe('Hardware serial, matched with the imported inventory'),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.object({
  deviceId: z.string(),
  token: z.string().min(43),
  fleetKey: z.string().min(43),
  policy: devicePolicySchema.optional(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;
