import { strengthOf } from '../../rules/score.js';
import type { Finding } from '../../rules/types.js';

/** A real agent sends one finding per rule and subject (a tool, a device): far fewer than this of any one rule. */
export const findingsPerRuleCap = 32;

/**
 * Pure: of each rule's findings, the `cap` strongest (weight × confidence as the server weighs them) are kept, in
 * their report order; the rest are counted. Keeping the strongest, not the first, means padding a report with weak
 * findings cannot push the one that scores out: the score of the kept findings equals the score of all of them.
 */
export function capPerRule(findings: readonly Finding[], cap = findingsPerRuleCap): { kept: Finding[]; overCap: number } {
  const byRule = new Map<string, number[]>();
  findings.forEach((f, i) => {
    const list = byRule.get(f.rule);
    if (list) list.push(i);
    else byRule.set(f.rule, [i]);
  });
  const dropped = new Set<number>();
  for (const indices of byRule.values()) {
    if (indices.length <= cap) continue;
    const ranked = [...indices].sort((a, b) => strengthOf(findings[b] as Finding) - strengthOf(findings[a] as Finding) || a - b);
    for (const i of ranked.slice(cap)) dropped.add(i);
  }
  return { kept: dropped.size ? findings.filter((_, i) => !dropped.has(i)) : [...findings], overCap: dropped.size };
}
