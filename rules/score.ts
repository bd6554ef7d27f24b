import type { Finding, Level } from './types.js';

export interface GroupContribution {
  group: string;
  /** weight × confidence of the strongest unsuppressed finding in the group. */
  p: number;
  rule: string;
}

export interface Score {
  score: number;
  level: Level;
  groups: GroupContribution[];
}

export function levelOf(score: number): Level {
  if (score >= 85) return 'critical';
  if (score >= 60) return 'high';
  if (score >= 30) return 'medium';
  if (score >= 10) return 'low';
  return 'none';
}

/**
 * DESIGN section 4: per group the strongest p = weight × confidence; groups combined by noisy-OR.
 * Suppressed findings and weight-0 context never score. Deterministic: every point traces to `groups`.
 */
export function scoreFindings(findings: readonly Finding[]): Score {
  const best = new Map<string, GroupContribution>();
  for (const f of findings) {
    if (f.suppressed) continue;
    const p = (f.weight ?? 0) * f.confidence;
    if (p <= 0) continue;
    const group = f.group ?? f.rule;
    const current = best.get(group);
    if (!current || p > current.p) best.set(group, { group, p, rule: f.rule });
  }
  const groups = [...best.values()].sort((a, b) => b.p - a.p || a.group.localeCompare(b.group));
  const score = Math.round(100 * (1 - groups.reduce((acc, g) => acc * (1 - g.p), 1)));
  return { score, level: levelOf(score), groups };
}
