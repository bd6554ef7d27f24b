import { z } from 'zod';

/**
 * The device's own history, kept by the agent in its state dir (agent/baseline.ts); drift rules compare with it.
 * A file on the laptop, read by the agent and by `farmwatch diagnose --baseline`: a contract like the others here.
 * `since` records when each remote tool / input device key was first seen, so a drift finding lasts a while
 * (not just the one cycle that noticed it).
 */
export const baselineSchema = z.object({
  version: z.literal(1).optional(),
  firstSeen: z.string().describe('ISO 8601: when this baseline was started'),
  updatedAt: z.string().optional(),
  remoteTools: z.array(z.string()).describe('Catalog ids of remote tools ever seen (subjects of remote-access.* findings)'),
  inputDevices: z.array(z.string()).describe('Stable input device keys (rules/context/input-key.ts)'),
  since: z.record(z.string(), z.string()).optional().describe('"tool:<id>" or "input:<key>" → ISO first seen'),
  timezone: z.string().optional(),
  previousTimezone: z.string().optional(),
  timezoneChangedAt: z.string().optional(),
  activityHours: z.array(z.number().int().nonnegative()).length(24).optional()
    .describe('Per local hour 0-23: cycles with recent input'),
  clamshellSince: z.string().optional()
    .describe('ISO 8601: start of the current unbroken run of cycles in clamshell (lid closed, on AC, external display only); absent when not in one'),
});
export type Baseline = z.infer<typeof baselineSchema>;
