import type { Report } from '../../schema/report.js';
import type { ServerVerdict } from './types.js';
import type { IntegrityDraft } from './integrity.js';

/**
 * Pure: the alerts the server's verdict itself raises for a report (agent.score-mismatch,
 * agent.implausible-findings), one per rule and device. Tamper-class: never withheld by the per-device alert cap.
 */
export function verdictAlertDrafts(report: Report, verdict: ServerVerdict | undefined): IntegrityDraft[] {
  const traces = [verdict?.mismatch, verdict?.implausible].filter((f) => f !== undefined);
  return traces.map((f) => ({ rule: f.rule, severity: f.severity, summary: `${report.deviceId}: ${f.title}`, evidence: f.evidence }));
}
