import type Database from 'better-sqlite3';
import { toFleetDevice } from './rows.js';
import type { DashboardStorage } from './types.js';

type Row = Record<string, unknown>;

/** The dashboard's reads (SQLite): aggregates in SQL, bounded lists, statements prepared once. */
export function sqliteDashboard(db: Database.Database): DashboardStorage {
  const s = {
    total: db.prepare('SELECT count(*) FROM devices').pluck(),
    byLevel: db.prepare("SELECT coalesce(server_level, level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1"),
    histogram: db.prepare(
      'SELECT min(coalesce(server_score, score) / 10, 9) AS bucket, count(*) AS n FROM devices WHERE coalesce(server_score, score) IS NOT NULL GROUP BY 1',
    ),
    topDevices: db.prepare(
      'SELECT * FROM devices ORDER BY coalesce(server_score, score) IS NULL, coalesce(server_score, score) DESC, last_seen DESC, device_id LIMIT ?',
    ),
    silent: db.prepare('SELECT * FROM devices WHERE token_hash IS NOT NULL AND next_report_ms < ? ORDER BY next_report_ms LIMIT ?'),
    latestBody: db.prepare('SELECT r.body FROM devices d JOIN reports r ON r.report_id = d.latest_report_id WHERE d.device_id = ?').pluck(),
    hostnames: db.prepare('SELECT device_id, hostname FROM devices WHERE device_id IN (SELECT value FROM json_each(?))'),
  };
  return {
    async fleetOverview(overdueBefore, limit) {
      const byLevel: Record<string, number> = {};
      for (const r of s.byLevel.all() as { level: string; n: number }[]) byLevel[r.level] = r.n;
      const histogram = Array.from({ length: 10 }, () => 0);
      for (const r of s.histogram.all() as { bucket: number; n: number }[]) histogram[r.bucket] = r.n;
      return {
        total: s.total.get() as number,
        byLevel,
        histogram,
        devices: (s.topDevices.all(limit) as Row[]).map(toFleetDevice),
        silent: (s.silent.all(overdueBefore.getTime(), limit) as Row[]).map(toFleetDevice),
      };
    },
    async latestReport(deviceId) {
      const body = s.latestBody.get(deviceId) as string | undefined;
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
      for (const r of s.hostnames.all(JSON.stringify(deviceIds.slice(0, 10_000))) as Row[]) names.set(r.device_id as string, r.hostname as string);
      return names;
    },
  };
}
