import { z } from 'zod';
import { severities } from './levels.js';

/** A finding as it travels in a report: the wire contract the rules produce and the server judges. */
export { levels, severities, type Level, type Severity } from './levels.js';

/** Facts a finding cites: names, ids, addresses, exactly as matched. */
export const evidenceSchema = z.record(z.string(), z.unknown());
export type Evidence = z.infer<typeof evidenceSchema>;

export const findingSchema = z.object({
  rule: z.string().describe('Stable rule id, e.g. "remote-access.running"'),
  title: z.string(),
  severity: z.enum(severities),
  confidence: z.number().min(0).max(1),
  evidence: evidenceSchema,
  group: z.string().optional(),
  weight: z.number().min(0).max(1).optional(),
  attack: z.array(z.string()).optional().describe('MITRE ATT&CK technique ids'),
  subject: z.string().optional().describe('What the finding is about, e.g. a catalog id ("anydesk"); allow.tools matches it'),
  suppressed: z.boolean().optional().describe('Sanctioned (allow-listed): kept for the record, not scored'),
  suppressedBy: z.string().optional(),
});
export type Finding = z.infer<typeof findingSchema>;
