import { levelOf, strengthOf } from '../../rules/score.js';
import type { StoredFinding } from './verdict-log.js';

/**
 * Pure: a score explained. Per group the finding that counts (weight × confidence), for the server and the agent side
 * by side, and for every finding the two sides weigh differently, why. Total on any stored findings.
 */
export interface BreakdownLine {
  group: string;
  rule: string;
  title: string;
  weight: number;
  confidence: number;
  /** weight × confidence, 0-1. */
  p: number;
}

export interface ScoreSide {
  score: number;
  level: string;
  lines: BreakdownLine[];
}

export interface Difference {
  rule: string;
  title: string;
  subject?: string;
  reason: string;
}

export interface Breakdown {
  server: ScoreSide;
  agent: ScoreSide;
  differences: Difference[];
}

function side(findings: readonly StoredFinding[], score: number, level: string): ScoreSide {
  const best = new Map<string, BreakdownLine>();
  for (const f of findings) {
    const p = strengthOf({ weight: f.weight ?? 0, confidence: f.confidence, ...(f.suppressed ? { suppressed: true } : {}) });
    if (p <= 0) continue;
    const group = f.group ?? f.rule;
    const cur = best.get(group);
    if (!cur || p > cur.p) best.set(group, { group, rule: f.rule, title: f.title, weight: f.weight ?? 0, confidence: f.confidence, p });
  }
  return { score, level, lines: [...best.values()].sort((a, b) => b.p - a.p || a.group.localeCompare(b.group)) };
}

const key = (f: StoredFinding) => `${f.rule}\u0000${f.subject ?? ''}`;
const serverOnlyRules = /^agent\./;

export function scoreBreakdown(
  agent: { score: number; level: string; findings: readonly StoredFinding[] },
  server: { score: number; level: string; findings: readonly StoredFinding[] },
): Breakdown {
  const differences: Difference[] = [];
  const serverBy = new Map(server.findings.map((f) => [key(f), f]));
  const agentBy = new Map(agent.findings.map((f) => [key(f), f]));
  const sub = (f: StoredFinding) => (f.subject ? { subject: f.subject } : {});
  for (const f of agent.findings) {
    const s = serverBy.get(key(f));
    if (!s) {
      differences.push({ rule: f.rule, title: f.title, ...sub(f), reason: 'the server did not find this on the snapshot it received (or does not know the rule), so it does not count there' });
      continue;
    }
    if (s.suppressed && !f.suppressed) differences.push({ rule: f.rule, title: f.title, ...sub(f), reason: `the server's policy sanctions it: ${s.suppressedBy ?? 'allow list'}` });
    else if (!s.suppressed && f.suppressed) differences.push({ rule: f.rule, title: f.title, ...sub(f), reason: `the agent's local allow list silenced it (${f.suppressedBy ?? 'allow'}); the server's policy does not` });
    else if ((s.weight ?? 0) !== (f.weight ?? 0) || s.confidence !== f.confidence)
      differences.push({ rule: f.rule, title: f.title, ...sub(f), reason: `weighed differently: server ${(s.weight ?? 0).toFixed(2)} × ${s.confidence.toFixed(2)}, agent ${(f.weight ?? 0).toFixed(2)} × ${f.confidence.toFixed(2)}` });
  }
  for (const f of server.findings) {
    if (agentBy.has(key(f))) continue;
    differences.push({
      rule: f.rule,
      title: f.title,
      ...sub(f),
      reason: serverOnlyRules.test(f.rule) ? "the server's own check of the agent (weight 0: it explains, it does not score)" : 'the server found this on the snapshot; the agent did not report it',
    });
  }
  const s = side(server.findings, server.score, server.level);
  const a = side(agent.findings, agent.score, agent.level);
  return { server: s, agent: a, differences };
}

/** A level from a score, re-exported for pages that only have a number. */
export { levelOf };
