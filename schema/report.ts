import { z } from 'zod';
import { findingSchema, levels } from '../rules/types.js';
import { devicePolicySchema } from './policy.js';

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
