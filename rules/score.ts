import type { Finding, Level } from './types.js';
import { compareIds } from '../common/compare.js';

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
 * A finding's p = weight × confidence, clamped to 0-1; anything not a finite number (a NaN, an Infinity, a weight
 * that is not a number at all) is 0: findings arrive from agents, and one bad value must not poison the product.
 */
export function strengthOf(f: Pick<Finding, 'weight' | 'confidence' | 'suppressed'>): number {
  if (f.suppressed === true) return 0;
  const weight: unknown = f.weight ?? 0;
  const confidence: unknown = f.confidence;
  if (typeof weight !== 'number' || typeof confidence !== 'number') return 0;
  const p = weight * confidence;
  if (!Number.isFinite(p) || p <= 0) return 0;
  return Math.min(p, 1);
}

/**
 * Per group the strongest p = weight × confidence; groups combined by noisy-OR.
 * Suppressed findings and weight-0 context never score. Deterministic: every point traces to `groups`.
 * Total: any findings give an integer score 0-100 (groups and rules are Map keys, never object keys).
 */
export function scoreFindings(findings: readonly Finding[]): Score {
  const best = new Map<string, GroupContribution>();
  for (const f of findings) {
    const p = strengthOf(f);
    if (p <= 0) continue;
    const group = typeof f.group === 'string' ? f.group : String(f.rule);
    const current = best.get(group);
    if (!current || p > current.p) best.set(group, { group, p, rule: String(f.rule) });
  }
  const groups = [...best.values()].sort((a, b) => b.p - a.p || compareIds(a.group, b.group));
  const raw = Math.round(100 * (1 - groups.reduce((acc, g) => acc * (1 - g.p), 1)));
  const score = Number.isFinite(raw) ? Math.min(100, Math.max(0, raw)) : 0;
  return { score, level: levelOf(score), groups };
}
