import type { SqlDb } from './sql/types.js';
import { collectedAtOf, reportIdOfKey } from './heartbeat-key.js';
import { heartbeatOrder } from './heartbeat-order.js';

/** One report of a device's history, as the device detail lists it (server/db/rows.ts). */
export type HistoryRow = {
  report_id: string;
  collected_at: string;
  received_ms: number;
  score: number;
  level: string;
};

type FullRow = HistoryRow & { id: number | string };

/** A full row's newest heartbeats, newest first, through heartbeats_base: [base, limit]. Exported for the plan test. */
export const newestHeartbeatsSql = `SELECT id, received_ms, collected_ms FROM heartbeats WHERE base = ? ORDER BY ${heartbeatOrder('received_ms', 'DESC')} LIMIT ?`;

/**
 * A device's newest `limit` reports, full rows and heartbeats together, newest first: the one read of a device's
 * report list. A heartbeat's score and level are its full row's (they are facts: a change would have been stored
 * whole). A full row's heartbeats were received after it and before the device's next full row, so the newest full
 * rows are walked newest first, each with its newest heartbeats, until `limit` reports newer than the current full
 * row are known: mostly two index range reads, however long the device's history.
 */
export async function reportHistory(sql: SqlDb, deviceId: string, limit: number): Promise<HistoryRow[]> {
  if (limit <= 0) return [];
  const fulls = await sql.all<FullRow>('SELECT id, report_id, collected_at, received_ms, score, level FROM reports WHERE device_id = ? ORDER BY received_ms DESC LIMIT ?', [deviceId, limit]);
  const out: HistoryRow[] = [];
  for (const f of fulls) {
    const beats = await sql.all<{ id: unknown; received_ms: number | string; collected_ms: number | string | null }>(
      newestHeartbeatsSql,
      [Number(f.id), limit],
    );
    for (const b of beats) {
      const reportId = reportIdOfKey(b.id);
      if (reportId !== undefined) out.push({ report_id: reportId, collected_at: collectedAtOf(reportId, b.collected_ms), received_ms: Number(b.received_ms), score: f.score, level: f.level });
    }
    out.push({ report_id: f.report_id, collected_at: f.collected_at, received_ms: Number(f.received_ms), score: f.score, level: f.level });
    if (out.length >= limit) break;
  }
  // A stable sort: reports of one millisecond stay in the order above (a heartbeat before the full row it repeats).
  return out.sort((a, b) => b.received_ms - a.received_ms).slice(0, limit);
}
