import type { Report } from '../schema/report.js';
import { severities } from '../rules/types.js';

export interface DeviceAlertDraft {
  rule: string;
  severity: string;
  summary: string;
  evidence: Record<string, unknown>;
}

const alerting = new Set(['high', 'critical']);
const rank = (s: string) => severities.indexOf(s as (typeof severities)[number]);

/**
 * A device at or above `high` opens one alert per (device, rule) for its findings; the caller updates an
 * alert already open for the same pair rather than opening another. Suppressed (sanctioned) findings never alert.
 */
export function deviceAlertDrafts(report: Report): DeviceAlertDraft[] {
  if (!alerting.has(report.level)) return [];
  const byRule = new Map<string, Report['findings']>();
  for (const f of report.findings) {
    if (f.suppressed) continue;
    const list = byRule.get(f.rule) ?? [];
    list.push(f);
    byRule.set(f.rule, list);
  }
  return [...byRule].map(([rule, findings]) => {
    const top = findings.reduce((a, b) => (rank(b.severity) > rank(a.severity) ? b : a));
    return {
      rule,
      severity: top.severity,
      summary: `${report.deviceId}: ${top.title} (score ${report.score}, ${report.level})`,
      evidence: {
        reportId: report.reportId,
        collectedAt: report.collectedAt,
        score: report.score,
        level: report.level,
        findings: findings.slice(0, 20).map((f) => ({ title: f.title, severity: f.severity, confidence: f.confidence, subject: f.subject, evidence: f.evidence })),
      },
    };
  });
}
