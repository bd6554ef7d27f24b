import type { Finding, RuleMeta, Severity } from '../types.js';

/** A server-side rule (geo.*, fleet.*) declares the same metadata as an agent rule, for the same finding shape. */
export type ServerRuleMeta = RuleMeta;

/** A finding in the wire shape (rules/types.ts), so the device page lists server findings beside the agent's. */
export function serverFinding(rule: ServerRuleMeta, confidence: number, evidence: Record<string, unknown>, subject?: string, severity?: Severity): Finding {
  return {
    rule: rule.id,
    title: rule.title,
    severity: severity ?? rule.severity,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
    evidence,
    group: rule.group,
    weight: rule.weight,
    attack: [...rule.attack],
    ...(subject !== undefined ? { subject } : {}),
  };
}
