import type { Finding, Level } from '../../rules/types.js';

/** What the server decided about one report, beside what the agent said (server/verdict/). */
export interface ServerVerdict {
  score: number;
  level: Level;
  /** The findings the server scored (its own evaluation, plus agent-only rules such as baseline drift). */
  findings: Finding[];
  /** Set when the agent's score is far below the server's: itself a finding (agent.score-mismatch). */
  mismatch?: Finding;
  /** Set when findings were not counted (invented rule ids, over the per-rule cap): agent.implausible-findings. */
  implausible?: Finding;
  /** The agent's findings the verdict did not count, and why. */
  ignored?: IgnoredFindings;
}

export interface IgnoredFindings {
  /** Findings whose rule id is no endpoint rule the server knows. */
  unknownRuleFindings: number;
  /** Those ids, distinct, the first 20 (each cut to 128 characters). */
  unknownRules: string[];
  /** Findings of a known rule beyond the strongest findingsPerRuleCap of that rule. */
  overCapFindings: number;
  /** A snapshot was sent but the server could not judge it (invalid, or a rule threw): the agent's findings were used. */
  snapshotProblem?: string;
}
