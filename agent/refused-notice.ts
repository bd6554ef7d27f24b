import type { Report } from '../schema/report.js';
import { fitReport } from './report-budget.js';
import { newReportId } from './report-id.js';

/** Small enough for any server or proxy that accepts reports at all. */
export const refusedNoticeBudget = 32 * 1024;

/**
 * Pure but for its fresh report id: the report that replaces one the server refused as too large (HTTP 413). It keeps
 * the refused report's findings, score and collection time, so the server's verdict does not drop with the lost
 * report, leaves its snapshot out, and names the refused report in `agent.health.refused` (the server alerts
 * agent.report-refused on it).
 */
export function refusedNotice(refused: Report, bytes: number, status: number, now: Date): Report {
  const { snapshot, snapshotOmitted: _omitted, truncated, ...rest } = refused;
  const cuts = [...(truncated?.cuts ?? []), ...(snapshot ? [{ path: 'snapshot', removed: 1 }] : [])];
  const notice: Report = {
    ...rest,
    reportId: newReportId(now.getTime()),
    sentAt: now.toISOString(),
    agent: {
      ...refused.agent,
      health: { ...refused.agent.health, refused: { reportId: refused.reportId, bytes, status, collectedAt: refused.collectedAt } },
    },
    ...(snapshot ? { snapshotOmitted: `snapshot left out: report ${refused.reportId} (${bytes} bytes) was refused with HTTP ${status}` } : {}),
  };
  if (cuts.length) notice.truncated = { bytesBefore: Math.max(bytes, truncated?.bytesBefore ?? 0), cuts };
  return fitReport(notice, refusedNoticeBudget);
}
