import type { Logger } from 'pino';
import type { Report } from '../schema/report.js';
import { newReportId } from './report-id.js';
import type { Reporter } from './reporter.js';

/** The service's last word: the previous report's findings, marked `agent.stopping`, no snapshot. */
export function stoppingReport(last: Report, now: Date): Report {
  const { snapshot: _snapshot, ...rest } = last;
  return {
    ...rest,
    reportId: newReportId(now.getTime()),
    collectedAt: now.toISOString(),
    sentAt: now.toISOString(),
    agent: { ...last.agent, stopping: true },
  };
}

/**
 * Best effort, bounded by `boundMs`, outside the spool (a stop must not leave a stale "stopping" for the next start):
 * the server alerts agent.stopped; if it never arrives, the server sees silence (fleet.silent-agent) instead.
 */
export async function sendStoppingReport(last: Report | undefined, reporter: Reporter, log: Logger, boundMs = 3_000): Promise<void> {
  if (!last) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const sent = await Promise.race([reporter.sendNow(stoppingReport(last, new Date())), new Promise<false>((r) => (timer = setTimeout(() => r(false), boundMs)))]);
    log.info({ sent }, sent ? 'stopping report sent' : 'stopping report not acknowledged in time');
  } catch (err) {
    log.warn({ err }, 'stopping report not sent');
  } finally {
    clearTimeout(timer);
  }
}
