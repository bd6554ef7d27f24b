import type { Report } from '../schema/report.js';
import { severities } from '../rules/types.js';
import { endpointRule, rulesThatRun } from '../rules/registry.js';

export interface DeviceAlertDraft {
  rule: string;
  severity: string;
  summary: string;
  evidence: Record<string, unknown>;
}

const alerting = new Set(['high', 'critical']);
const rank = (s: string) => severities.indexOf(s as (typeof severities)[number]);

/** A device's open finding alerts, when the policy does not say (thresholds.maxOpenAlertsPerDevice). */
export const defaultMaxOpenAlertsPerDevice = 16;

/** The rules whose findings may open a device alert: the server's endpoint rules, and nothing an agent invents. */
export const deviceAlertRules: readonly string[] = rulesThatRun('endpoint').map((r) => r.id);

/**
 * A device at or above `high` opens one alert per (device, rule) for its findings; the caller updates an
 * alert already open for the same pair rather than opening another. Suppressed (sanctioned) findings never alert,
 * nor do findings of a rule the server does not know: the drafts are at most one per endpoint rule.
 */
export function deviceAlertDrafts(report: Report): DeviceAlertDraft[] {
  if (!alerting.has(report.level)) return [];
  const byRule = new Map<string, Report['findings']>();
  for (const f of report.findings) {
    if (f.suppressed || !endpointRule(f.rule)) continue;
    const list = byRule.get(f.rule) ?? [];
    list.push(f);
    byRule.set(f.rule, list);
  }
  return [...byRule].map(([rule, findings]) => {
    const top = findings.reduce((a, b) => (rank(b.severity) > rank(a.severity) ? b : a));
    return {
      rule,
      severity: top.severity,
      // The alert's severity is its finding's: the summary names it first, the device's verdict after, so a low
      // alert never reads as critical.
      summary: `${report.deviceId}: ${top.title} (${top.severity} finding; device verdict ${report.score}, ${report.level})`,
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

/**
 * Pure: which drafts may be written given the device's finding alerts already open (`openRules`). A draft for an
 * open rule updates it and always passes; new alerts fill what room the cap leaves, most severe first (report order
 * among equals); the rest are withheld until alerts are resolved. Bad caps (NaN, negative) mean the default.
 */
export function boundDeviceAlerts(
  drafts: readonly DeviceAlertDraft[],
  openRules: ReadonlySet<string>,
  maxOpen: number = defaultMaxOpenAlertsPerDevice,
): { write: DeviceAlertDraft[]; withheld: DeviceAlertDraft[] } {
  const cap = Number.isInteger(maxOpen) && maxOpen >= 0 ? maxOpen : defaultMaxOpenAlertsPerDevice;
  const updates = drafts.filter((d) => openRules.has(d.rule));
  const fresh = drafts
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => !openRules.has(d.rule))
    .sort((a, b) => rank(b.d.severity) - rank(a.d.severity) || a.i - b.i)
    .map(({ d }) => d);
  const room = Math.max(0, cap - openRules.size);
  return { write: [...updates, ...fresh.slice(0, room)], withheld: fresh.slice(room) };
}
