import { attackIds, type Finding, type RuleMeta, type Severity } from '../types.js';

/** A server-side rule that scores (geo.*, most fleet.*): the one rule shape, with a weight and a group. */
export type ServerRuleMeta = RuleMeta & { weight: number; group: string; runs: 'server' | 'fleet' };

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
    attack: [...attackIds(rule)],
    ...(subject !== undefined ? { subject } : {}),
  };
}
