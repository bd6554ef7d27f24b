import { byteOrder, inList, listParam, smaller } from '../db/sql/dialect.js';
import type { SqlDb } from '../db/sql/types.js';
import { toFleetDevice } from '../db/rows.js';
import { storedBody } from '../db/report-body.js';
import type { DashboardStorage } from './types.js';

/**
 * The dashboard's reads, once for both engines: aggregates in SQL, bounded lists. Devices rank by the server's own
 * verdict, the agent's score only where the server has none.
 */
export function dashboardStore(sql: SqlDb): DashboardStorage {
  const score = 'coalesce(server_score, score)';
  return {
    async fleetOverview(overdueBefore, limit) {
      const byLevel: Record<string, number> = {};
      for (const r of await sql.all<{ level: string; n: number }>("SELECT coalesce(server_level, level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1")) byLevel[r.level] = Number(r.n);
      const histogram = Array.from({ length: 10 }, () => 0);
      for (const r of await sql.all<{ bucket: number; n: number }>(`SELECT ${smaller(sql, `${score} / 10`, '9')} AS bucket, count(*) AS n FROM devices WHERE ${score} IS NOT NULL GROUP BY 1`)) {
        histogram[Number(r.bucket)] = Number(r.n);
      }
      return {
        total: Number((await sql.get<{ n: number }>('SELECT count(*) AS n FROM devices'))?.n ?? 0),
        byLevel,
        histogram,
        devices: (
          await sql.all(`SELECT * FROM devices ORDER BY ${score} IS NULL, ${score} DESC, ${byteOrder(sql, 'last_seen')} DESC, ${byteOrder(sql, 'device_id')} LIMIT ?`, [limit])
        ).map(toFleetDevice),
        silent: (await sql.all('SELECT * FROM devices WHERE token_hash IS NOT NULL AND next_report_ms < ? ORDER BY next_report_ms LIMIT ?', [overdueBefore.getTime(), limit])).map(toFleetDevice),
      };
    },
    async latestReport(deviceId) {
      const d = await sql.get<{ latest_report_id: string | null }>('SELECT latest_report_id FROM devices WHERE device_id = ?', [deviceId]);
      const body = d?.latest_report_id ? await storedBody(sql, d.latest_report_id, deviceId) : undefined;
      if (body === undefined) return null;
      try {
        return JSON.parse(body) as Record<string, unknown>;
      } catch {
        return null;
      }
    },
    async hostnamesOf(deviceIds) {
      const names = new Map<string, string>();
      if (!deviceIds.length) return names;
      const list = listParam(sql, deviceIds.slice(0, 10_000));
      for (const r of await sql.all<{ device_id: string; hostname: string }>(`SELECT device_id, hostname FROM devices WHERE ${inList(sql, 'device_id')}`, [list])) names.set(r.device_id, r.hostname);
      return names;
    },
  };
}
