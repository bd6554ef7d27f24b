import { z } from 'zod';
import type { Snapshot } from '../collectors/snapshot.js';

export { evidenceSchema, findingSchema, levels, severities, type Evidence, type Finding, type Level, type Severity } from '../schema/finding.js';
import type { Evidence, Finding, Severity } from '../schema/finding.js';

/** What a rule may know besides the snapshot: the expected region, allow-list, baseline, clock. */
export interface RuleContext {
  expected: {
    timezones: readonly string[];
    locales: readonly string[];
    keyboardLayouts: readonly string[];
    countries: readonly string[];
  };
  allowTools: readonly string[];
  latency: {
    /** RTT (ms) a remote-control socket may have inside the expected region; beyond it network.session-rtt fires. */
    maxSessionRttMs?: number;
    anchors: readonly { host: string; port: number; expectedMaxRttMs?: number | undefined }[];
  };
  /** The device's own previous state, kept by the agent; absent on a first run or in a dry run without state. */
  baseline?: Baseline;
  /** Local hours (0-23) with input activity seen by the agent, counted; absent when not kept. */
  activityHours?: readonly number[];
  now: Date;
  /**
   * Remote-tool peer ids of the company's own support (policy helpdeskPeers): sessions with them raise nothing. The
   * agent passes them in clear (its snapshot holds raw ids); the server passes their keyed hashes (its snapshot holds those).
   */
  helpdeskPeers?: readonly string[];
  /** Findings of the rules evaluated before this one (the engine fills it; drift rules read remote-access.* subjects). */
  findings?: readonly Finding[];
}

/**
 * The device's own history, kept by the agent in its state dir (agent/baseline.ts); drift rules compare with it.
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

export interface RuleMeta {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  /** 0-1: how strongly this alone says "remotely controlled". */
  weight: number;
  group: string;
  attack: readonly string[];
  falsePositives: readonly string[];
}

/** A finding as a rule returns it; the engine adds the rule's metadata. */
export interface Match {
  confidence: number;
  evidence: Evidence;
  subject?: string;
  /** Overrides the rule's severity for this match (e.g. weaker shape). */
  severity?: Severity;
  title?: string;
}

export interface Rule extends RuleMeta {
  evaluate(snapshot: Snapshot, context: RuleContext): Match[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
