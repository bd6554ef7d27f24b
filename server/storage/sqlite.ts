import Database from 'better-sqlite3';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { silentAgentRule, decideSilent, longestPromiseMs } from '../../rules/fleet/index.js';
import { migrations } from './migrations.js';
import { prepareIngest } from './sqlite-ingest.js';
import { prepareIntelReads } from '../geo/sqlite-intel.js';
import { lifecycleStore } from '../lifecycle/store.js';
import { sqliteDashboard } from './sqlite-dashboard.js';
import { prepareOutboxQueue, prepareOutboxWriter } from '../forwarders/sqlite-outbox.js';
import { WalSync } from './wal-sync.js';
import { createPrivateFile, sqliteFilesOf, tightenPrivateFiles, type Tightened } from './private-files.js';
import { Checkpointer } from './checkpointer.js';
import type { AlertStatus, Storage } from './types.js';
import { toAlert, toDeviceDetail, toSummary } from './rows.js';
import { sqliteDb } from './sql/sqlite.js';

type Row = Record<string, unknown>;

export interface SqliteOptions {
  /**
   * 'wal-fsync' (the default): commits without a blocking fsync, then fdatasync of the WAL off the event loop
   * before ingest resolves (see wal-sync.ts): a 202 means the report is on disk. 'full': SQLite's own fsync at
   * every commit, on the event loop. 'normal': no fsync before answering; survives a process crash, not a power cut.
   */
  durability?: 'wal-fsync' | 'full' | 'normal';
  /** Where checkpoint failures are reported (they do not stop ingest: the WAL only grows). */
  onBackgroundError?: (message: string) => void;
  /** Names of the configured forwarders: each alert change writes one outbox row per name, in its transaction. */
  forwarders?: readonly string[];
  /** Told of each database file (db, -wal, -shm) that group or other could read and that was set to 0600. */
  onTightened?: (file: Tightened) => void;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
  const newest = Math.max(...applied, 0);
  const known = Math.max(...migrations.map((m) => m.version));
  if (newest > known) throw new Error(`database schema version ${newest} is newer than this farmwatch (${known}); upgrade farmwatch`);
  db.prepare("INSERT INTO meta (key, value) VALUES ('fleetKey', ?) ON CONFLICT(key) DO NOTHING").run(randomBytes(32).toString('base64url'));
}



export function openSqlite(file: string, options: SqliteOptions = {}): Storage {
  // Created 0600 before SQLite opens it: SQLite creates the -wal and -shm files with the database file's mode.
  // Files an older version left readable are tightened first, so no later write lands in a readable file.
  createPrivateFile(file);
  for (const t of tightenPrivateFiles(sqliteFilesOf(file))) options.onTightened?.(t);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const durability = options.durability ?? 'wal-fsync';
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: the reportId index takes random inserts (UUIDs); misses cost reads in the commit path.
  db.pragma('cache_size = -65536');
  migrate(db);
  const wal = durability === 'wal-fsync' ? new WalSync(`${file}-wal`) : undefined;
  // Checkpoints run on a worker; the main connection checkpoints itself only past ~400 MB of WAL.
  db.pragma('wal_autocheckpoint = 100000');
  const checkpointer = new Checkpointer(file, options.onBackgroundError ?? (() => {}));

  // Every statement prepared once, here.
  const s = {
    fleetKey: db.prepare("SELECT value FROM meta WHERE key = 'fleetKey'").pluck(),
    deviceById: db.prepare('SELECT * FROM devices WHERE device_id = ?'),
    insertDevice: db.prepare(
      'INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    reenroll: db.prepare(
      'UPDATE devices SET hostname = ?, platform = ?, agent_version = ?, token_hash = ?, enrolled_at = ? WHERE device_id = ? AND token_hash IS NULL',
    ),
    byToken: db.prepare('SELECT device_id, token_hash FROM devices WHERE token_hash = ?'),
    devicesPage: db.prepare('SELECT * FROM devices WHERE device_id > ? ORDER BY device_id LIMIT ?'),
    history: db.prepare('SELECT report_id, collected_at, received_ms, score, level FROM reports WHERE device_id = ? ORDER BY received_ms DESC LIMIT ?'),
    reportBody: db.prepare('SELECT body FROM reports WHERE report_id = ?').pluck(),
    // One statement for every filter: `active` is "not resolved"; LIMIT -1 is no limit in SQLite.
    alertsPage: db.prepare(
      "SELECT * FROM alerts WHERE (@status IS NULL OR status = @status OR (@status = 'active' AND status <> 'resolved')) AND id < @before ORDER BY id DESC LIMIT @limit",
    ),
    alertById: db.prepare('SELECT * FROM alerts WHERE id = ?'),
    setAlertStatus: db.prepare('UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?'),
    // Past the grace, or a promise longer than the ingest ever keeps (stored before report times were judged on the
    // server's clock): decideSilent bounds that one by lastSeen.
    overdue: db.prepare('SELECT device_id, next_report_by, last_seen FROM devices WHERE token_hash IS NOT NULL AND (next_report_ms < ? OR next_report_ms > ?)'),
    activeAlert: db.prepare("SELECT id FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'").pluck(),
    insertAlert: db.prepare(
      "INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)",
    ),
    pruneReports: db.prepare('DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports WHERE received_ms < ? LIMIT 5000)'),
    prunePresence: db.prepare('DELETE FROM presence WHERE last_seen_ms < ?'),
    devicesByLevel: db.prepare("SELECT coalesce(level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1"),
    alertsByRule: db.prepare('SELECT rule, status, count(*) AS n FROM alerts GROUP BY rule, status'),
  };
  const alertChanged = prepareOutboxWriter(db, options.forwarders ?? []);
  const ingest = prepareIngest(db, alertChanged);
  const outbox = prepareOutboxQueue(db);
  /** Writes answer only once on disk: enrollment hands out a token the server must not forget. */
  const durable = async <T>(value: T): Promise<T> => {
    await wal?.sync();
    return value;
  };
  let closed = false;
  // Token hash → device id, so the hot path skips a lookup; a reset drops the device's entry at once.
  const tokens = new Map<string, string>();
  const forgetTokens = (deviceId: string) => {
    for (const [key, id] of tokens) if (id === deviceId) tokens.delete(key);
  };

  // The async handle (domain modules written once) and the synchronous fast paths below share one connection:
  // every synchronous write goes through sql.whenFree, so it never lands inside an open async transaction.
  const sql = sqliteDb(db);
  const storage: Storage = {
    sql,
    ...prepareIntelReads(db),
    ...lifecycleStore(sql, { durable, forgetTokens }),
    ...sqliteDashboard(db),
    async fleetKey() {
      return s.fleetKey.get() as string;
    },
    async enroll(d) {
      const at = d.at.toISOString();
      return durable(await sql.whenFree(db.transaction(() => {
        const existing = s.deviceById.get(d.deviceId) as Row | undefined;
        if (!existing) {
          s.insertDevice.run(d.deviceId, d.hostname, d.platform, d.agentVersion, d.tokenHash, at);
          return 'enrolled' as const;
        }
        return s.reenroll.run(d.hostname, d.platform, d.agentVersion, d.tokenHash, at, d.deviceId).changes ? ('enrolled' as const) : ('conflict' as const);
      })));
    },
    async authenticate(tokenHash) {
      const key = tokenHash.toString('base64');
      const cached = tokens.get(key);
      if (cached) return { deviceId: cached };
      const row = s.byToken.get(tokenHash) as Row | undefined;
      if (!row) return null;
      const stored = row.token_hash as Buffer;
      if (stored.length !== tokenHash.length || !timingSafeEqual(stored, tokenHash)) return null;
      if (tokens.size >= 500_000) tokens.clear();
      tokens.set(key, row.device_id as string);
      return { deviceId: row.device_id as string };
    },
    async ingest(items, policy) {
      const outcomes = await sql.whenFree(() => ingest(items, policy));
      await wal?.sync();
      return outcomes;
    },
    async recordClockSkew(deviceId, skewS, at) {
      await sql.whenFree(() => ingest.skewRefused(deviceId, skewS, at));
      await wal?.sync();
    },
    async listDevices({ limit, after }) {
      const rows = s.devicesPage.all(after ?? '', limit + 1) as Row[];
      const devices = rows.slice(0, limit).map(toSummary);
      const last = devices.at(-1);
      return rows.length > limit && last ? { devices, next: last.deviceId } : { devices };
    },
    async getDevice(deviceId, historyLimit) {
      const r = s.deviceById.get(deviceId) as Row | undefined;
      if (!r) return null;
      const latest = r.latest_report_id ? (s.reportBody.get(r.latest_report_id) as string | undefined) : undefined;
      return toDeviceDetail(r, s.history.all(deviceId, historyLimit) as Row[], latest);
    },
    async listAlerts(status, page) {
      return (s.alertsPage.all({ status: status ?? null, before: page?.before ?? Number.MAX_SAFE_INTEGER, limit: page?.limit ?? -1 }) as Row[]).map(toAlert);
    },
    async transitionAlert(id, to, at) {
      const row = s.alertById.get(id) as Row | undefined;
      if (!row) return 'not-found';
      const from = row.status as AlertStatus;
      if (from === to) return toAlert(row);
      // open → acknowledged → resolved; resolving straight from open is allowed, going back is not.
      if (from === 'resolved') return 'conflict';
      await sql.whenFree(db.transaction(() => {
        s.setAlertStatus.run(to, at.toISOString(), id);
        alertChanged(id, 'update');
      }));
      return durable(toAlert(s.alertById.get(id) as Row));
    },
    async checkSilence(now, graceHours) {
      const rows = s.overdue.all(now.getTime() - graceHours * 3_600_000, now.getTime() + longestPromiseMs) as Row[];
      const decisions = decideSilent(
        rows.map((r) => ({ deviceId: r.device_id as string, nextReportBy: r.next_report_by as string | null, lastSeen: r.last_seen as string | null })),
        now,
        graceHours,
      );
      const at = now.toISOString();
      return durable(await sql.whenFree(db.transaction(() => {
        let opened = 0;
        for (const d of decisions) {
          if (s.activeAlert.get(silentAgentRule.id, `device:${d.deviceId}`) !== undefined) continue;
          const inserted = s.insertAlert.run(silentAgentRule.id, `device:${d.deviceId}`, silentAgentRule.severity, JSON.stringify([d.deviceId]), d.summary, JSON.stringify(d.evidence), at, at);
          alertChanged(Number(inserted.lastInsertRowid), 'new');
          opened++;
        }
        return opened;
      })));
    },
    async prune(before, presenceBefore) {
      let total = 0;
      // In chunks, yielding between them, so a large prune never blocks ingest for long.
      for (;;) {
        const n = (await sql.whenFree(() => s.pruneReports.run(before.getTime()))).changes;
        total += n;
        if (n < 5000) break;
        await new Promise((r) => setImmediate(r));
      }
      await sql.whenFree(() => s.prunePresence.run(presenceBefore.getTime()));
      return total;
    },
    async stats() {
      const devicesByLevel: Record<string, number> = {};
      for (const r of s.devicesByLevel.all() as { level: string; n: number }[]) devicesByLevel[r.level] = r.n;
      const alertsByRuleStatus = (s.alertsByRule.all() as { rule: string; status: string; n: number }[]).map((r) => ({ rule: r.rule, status: r.status, count: r.n }));
      return { devicesByLevel, alertsByRuleStatus };
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer.stop();
      await wal?.close();
      db.close();
    },
    // Outbox bookkeeping is not fsynced: a delivery forgotten in a power cut is sent again (at least once).
    async claimOutbox(forwarder, nowMs, limit, leaseMs) {
      return closed ? [] : sql.whenFree(() => outbox.claim(forwarder, nowMs, limit, leaseMs));
    },
    async removeOutbox(id) {
      if (!closed) await sql.whenFree(() => outbox.remove(id));
    },
    async retryOutbox(id, nextAttemptMs, error) {
      if (!closed) await sql.whenFree(() => outbox.retry(id, nextAttemptMs, error));
    },
    async outboxStats() {
      return closed ? [] : outbox.stats();
    },
  };
  return storage;
}
