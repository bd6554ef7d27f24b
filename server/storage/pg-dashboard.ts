import type pg from 'pg';
import { one, rows } from './pg-alerts.js';
import { toFleetDevice } from './rows.js';
import type { DashboardStorage } from './types.js';

/** The dashboard's reads on PostgreSQL (twin of sqlite-dashboard.ts): aggregates in SQL, bounded lists. */
export function pgDashboard(pool: pg.Pool): DashboardStorage {
  return {
    async fleetOverview(overdueBefore, limit) {
      const byLevel: Record<string, number> = {};
      for (const r of await rows<{ level: string; n: number }>(pool, "SELECT coalesce(server_level, level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1")) byLevel[r.level] = r.n;
      const histogram = Array.from({ length: 10 }, () => 0);
      for (const r of await rows<{ bucket: number; n: number }>(pool, 'SELECT least(coalesce(server_score, score) / 10, 9) AS bucket, count(*) AS n FROM devices WHERE coalesce(server_score, score) IS NOT NULL GROUP BY 1')) histogram[r.bucket] = r.n;
      return {
        total: (await one<{ n: number }>(pool, 'SELECT count(*) AS n FROM devices'))?.n ?? 0,
        byLevel,
        histogram,
        devices: (await rows(pool, 'SELECT * FROM devices ORDER BY coalesce(server_score, score) IS NULL, coalesce(server_score, score) DESC, last_seen COLLATE "C" DESC, device_id COLLATE "C" LIMIT $1', [limit])).map(toFleetDevice),
        silent: (await rows(pool, 'SELECT * FROM devices WHERE token_hash IS NOT NULL AND next_report_ms < $1 ORDER BY next_report_ms LIMIT $2', [overdueBefore.getTime(), limit])).map(toFleetDevice),
      };
    },
    async latestReport(deviceId) {
      const r = await one<{ body: string }>(pool, 'SELECT r.body FROM devices d JOIN reports r ON r.report_id = d.latest_report_id WHERE d.device_id = $1', [deviceId]);
      if (!r) return null;
      try {
        return JSON.parse(r.body) as Record<string, unknown>;
      } catch {
        return null;
      }
    },
    async hostnamesOf(deviceIds) {
      const names = new Map<string, string>();
      if (!deviceIds.length) return names;
      for (const r of await rows<{ device_id: string; hostname: string }>(pool, 'SELECT device_id, hostname FROM devices WHERE device_id = ANY($1)', [deviceIds.slice(0, 10_000)])) names.set(r.device_id, r.hostname);
      return names;
    },
  };
}
