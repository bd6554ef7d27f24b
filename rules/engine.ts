import type { Snapshot } from '../schema/snapshot/index.js';
import { scoreFindings, type Score } from './score.js';
import { attackIds, type Finding, type Rule, type RuleContext } from './types.js';

export interface Evaluation extends Score {
  findings: Finding[];
}

/** Runs every rule (a throwing rule is a bug: it is reported as a finding-less error, not a crash). */
export function evaluate(rules: readonly Rule[], snapshot: Snapshot, context: RuleContext): Evaluation {
  const findings: Finding[] = [];
  const allowed = new Set(context.allowTools.map((t) => t.toLowerCase()));
  // Later rules see earlier findings (same array, growing): rules/index.ts lists drift rules last.
  const ctx: RuleContext = { ...context, findings };
  for (const rule of rules) {
    for (const match of rule.evaluate(snapshot, ctx)) {
      const finding: Finding = {
        rule: rule.id,
        title: match.title ?? rule.title,
        severity: match.severity ?? rule.severity,
        confidence: match.confidence,
        evidence: match.evidence,
        group: rule.group,
        weight: rule.weight,
        attack: [...attackIds(rule)],
      };
      if (match.subject !== undefined) {
        finding.subject = match.subject;
        if (allowed.has(match.subject.toLowerCase())) {
          finding.suppressed = true;
          finding.suppressedBy = `allow.tools: ${match.subject}`;
        }
      }
      findings.push(finding);
    }
  }
  return { findings, ...scoreFindings(findings) };
}
