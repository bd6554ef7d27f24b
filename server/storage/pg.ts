import { randomBytes, timingSafeEqual } from 'node:crypto';
import pg from 'pg';
import { decideSilent, longestPromiseMs, silentAgentRule } from '../../rules/fleet/index.js';
import type { Finding } from '../../rules/types.js';
import { lifecycleStore } from '../lifecycle/store.js';
import { inTransaction, one, pgOutboxWriter, pgUpsertAlert, rows, toAlert, type Row } from './pg-alerts.js';
import { pgDashboard } from './pg-dashboard.js';
import { toDeviceDetail, toSummary } from './rows.js';
import { pgIngest } from './pg-ingest.js';
import { pgMigrations } from './pg-migrations.js';
import { TimerLock } from './pg-timer-lock.js';
import { pgDb } from './sql/pg.js';
import type { AlertEvent, AlertStatus, Storage } from './types.js';

export interface PostgresOptions {
  url: string;
  /** Connections per replica (ingest batches run in parallel on them). */
  poolSize?: number;
  forwarders?: readonly string[];
  /** Where a lost timer-lock connection or a pool error is reported. */
  onBackgroundError?: (message: string) => void;
  /** Called when this replica takes (true) or loses (false) the timers' lock. */
  onTimerLock?: (held: boolean) => void;
}

/** Every migration applies under one session advisory lock: replicas starting at once wait, then find them applied. */
const migrationLock = 0x6661726d; // 'farm'

// int8 (counts, BIGINT columns) as numbers: milliseconds and ids stay far below 2^53.
const types = { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser };

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await rows<{ version: number }>(client, 'SELECT version FROM schema_migrations')).map((r) => r.version));
    const newest = Math.max(...applied, 0);
    const known = Math.max(...pgMigrations.map((m) => m.version));
    if (newest > known) throw new Error(`database schema version ${newest} is newer than this farmwatch (${known}); upgrade farmwatch`);
    for (const m of pgMigrations) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    await client.query("INSERT INTO meta (key, value) VALUES ('fleetKey', $1) ON CONFLICT (key) DO NOTHING", [randomBytes(32).toString('base64url')]);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => {});
    client.release();
  }
}


/**
 * Storage on PostgreSQL, for several stateless replicas on one database (docs/postgres.md). Same semantics as
 * SQLite; what differs is how replicas are kept apart: advisory locks on the hot path (pg-ingest.ts), row locks with
 * SKIP LOCKED on the outbox, and a session lock that elects one replica for the timers (pg-timer-lock.ts).
 */
export async function openPostgres(options: PostgresOptions): Promise<Storage> {
  const report = options.onBackgroundError ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types, keepAlive: true, application_name: 'farmwatch' });
  // An idle connection dropped by the server must not crash the process: the pool replaces it.
  pool.on('error', (err) => report(`postgres pool: ${err.message}`));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const changed = pgOutboxWriter(options.forwarders ?? []);
  const upsertAlert = pgUpsertAlert(changed);
  const ingest = pgIngest(pool, upsertAlert, changed);
  const timerLock = new TimerLock(options.url, report, options.onTimerLock);
  const fleetKey = (await one<{ value: string }>(pool, "SELECT value FROM meta WHERE key = 'fleetKey'"))?.value ?? '';
  let closed = false;

  const sql = pgDb(pool);
  const storage: Storage = {
    sql,
    ...lifecycleStore(sql),
    ...pgDashboard(pool),
    async fleetKey() {
      return fleetKey;
    },
    async enroll(d) {
      return inTransaction(pool, async (db) => {
        const at = d.at.toISOString();
        const inserted = await db.query(
          'INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (device_id) DO NOTHING',
          [d.deviceId, d.hostname, d.platform, d.agentVersion, d.tokenHash, at],
        );
        if (inserted.rowCount) return 'enrolled' as const;
        const again = await db.query('UPDATE devices SET hostname = $1, platform = $2, agent_version = $3, token_hash = $4, enrolled_at = $5 WHERE device_id = $6 AND token_hash IS NULL', [
          d.hostname, d.platform, d.agentVersion, d.tokenHash, at, d.deviceId,
        ]);
        return again.rowCount ? ('enrolled' as const) : ('conflict' as const);
      });
    },
    // No token cache here: a rotation or revocation on one replica must fail the old token on every replica at once.
    async authenticate(tokenHash) {
      const row = await one(pool, 'SELECT device_id, token_hash FROM devices WHERE token_hash = $1', [tokenHash]);
      if (!row) return null;
      const stored = row.token_hash as Buffer;
      if (stored.length !== tokenHash.length || !timingSafeEqual(stored, tokenHash)) return null;
      return { deviceId: row.device_id as string };
    },
    ingest,
    recordClockSkew: ingest.skewRefused,
    async listDevices({ limit, after }) {
      const list = await rows(pool, 'SELECT * FROM devices WHERE device_id COLLATE "C" > $1 ORDER BY device_id COLLATE "C" LIMIT $2', [after ?? '', limit + 1]);
      const devices = list.slice(0, limit).map(toSummary);
      const last = devices.at(-1);
      return list.length > limit && last ? { devices, next: last.deviceId } : { devices };
    },
    async getDevice(deviceId, historyLimit) {
      const r = await one(pool, 'SELECT * FROM devices WHERE device_id = $1', [deviceId]);
      if (!r) return null;
      const history = await rows(pool, 'SELECT report_id, collected_at, received_ms, score, level FROM reports WHERE device_id = $1 ORDER BY received_ms DESC LIMIT $2', [deviceId, historyLimit]);
      const latest = r.latest_report_id ? (await one<{ body: string }>(pool, 'SELECT body FROM reports WHERE report_id = $1', [r.latest_report_id]))?.body : undefined;
      return toDeviceDetail(r, history, latest);
    },
    async listAlerts(status, page) {
      // LIMIT NULL is no limit in PostgreSQL.
      const sql = "SELECT * FROM alerts WHERE ($1::text IS NULL OR status = $1 OR ($1 = 'active' AND status <> 'resolved')) AND id < $2 ORDER BY id DESC LIMIT $3";
      return (await rows(pool, sql, [status ?? null, page?.before ?? Number.MAX_SAFE_INTEGER, page?.limit ?? null])).map(toAlert);
    },
    async transitionAlert(id, to, at) {
      return inTransaction(pool, async (db) => {
        const row = await one(db, 'SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [id]);
        if (!row) return 'not-found' as const;
        const from = row.status as AlertStatus;
        if (from === to) return toAlert(row);
        if (from === 'resolved') return 'conflict' as const;
        await db.query('UPDATE alerts SET status = $1, updated_at = $2 WHERE id = $3', [to, at.toISOString(), id]);
        await changed(db, id, 'update');
        return toAlert((await one(db, 'SELECT * FROM alerts WHERE id = $1', [id])) as Row);
      });
    },
    async checkSilence(now, graceHours) {
      // As on SQLite: past the grace, or a promise longer than the ingest ever keeps (decideSilent bounds it by lastSeen).
      const overdue = await rows(pool, 'SELECT device_id, next_report_by, last_seen FROM devices WHERE token_hash IS NOT NULL AND (next_report_ms < $1 OR next_report_ms > $2)', [
        now.getTime() - graceHours * 3_600_000, now.getTime() + longestPromiseMs,
      ]);
      const decisions = decideSilent(
        overdue.map((r) => ({ deviceId: r.device_id as string, nextReportBy: r.next_report_by as string | null, lastSeen: r.last_seen as string | null })),
        now,
        graceHours,
      );
      const at = now.toISOString();
      return inTransaction(pool, async (db) => {
        let opened = 0;
        for (const d of decisions) {
          const inserted = await one<{ id: number }>(
            db,
            `INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7)
             ON CONFLICT (rule, alert_key) WHERE status <> 'resolved' DO NOTHING RETURNING id`,
            [silentAgentRule.id, `device:${d.deviceId}`, silentAgentRule.severity, JSON.stringify([d.deviceId]), d.summary, JSON.stringify(d.evidence), at],
          );
          if (!inserted) continue;
          await changed(db, inserted.id, 'new');
          opened++;
        }
        return opened;
      });
    },
    async prune(before, presenceBefore) {
      let total = 0;
      for (;;) {
        const n = (await pool.query('DELETE FROM reports WHERE ctid IN (SELECT ctid FROM reports WHERE received_ms < $1 LIMIT 5000)', [before.getTime()])).rowCount ?? 0;
        total += n;
        if (n < 5000) break;
      }
      await pool.query('DELETE FROM presence WHERE last_seen_ms < $1', [presenceBefore.getTime()]);
      return total;
    },
    async stats() {
      const devicesByLevel: Record<string, number> = {};
      for (const r of await rows<{ level: string; n: number }>(pool, "SELECT coalesce(level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1")) devicesByLevel[r.level] = r.n;
      const alertsByRuleStatus = (await rows<{ rule: string; status: string; n: number }>(pool, 'SELECT rule, status, count(*) AS n FROM alerts GROUP BY rule, status')).map((r) => ({
        rule: r.rule, status: r.status, count: r.n,
      }));
      return { devicesByLevel, alertsByRuleStatus };
    },
    async close() {
      if (closed) return;
      closed = true;
      await timerLock.close();
      await pool.end();
    },
    // SKIP LOCKED: replicas polling at once each take different rows; the lease keeps a row from being taken twice.
    async claimOutbox(forwarder, nowMs, limit, leaseMs) {
      if (closed) return [];
      const claimed = await rows(
        pool,
        `UPDATE outbox SET next_attempt_ms = $3 WHERE id IN (
           SELECT id FROM outbox WHERE forwarder = $1 AND next_attempt_ms <= $2 ORDER BY next_attempt_ms, id LIMIT $4 FOR UPDATE SKIP LOCKED)
         RETURNING id, forwarder, attempts, created_ms, event`,
        [forwarder, nowMs, nowMs + leaseMs, limit],
      );
      return claimed
        .sort((a, b) => (a.id as number) - (b.id as number))
        .map((r) => ({ id: r.id as number, forwarder: r.forwarder as string, attempts: r.attempts as number, createdMs: r.created_ms as number, event: JSON.parse(r.event as string) as AlertEvent }));
    },
    async removeOutbox(id) {
      if (!closed) await pool.query('DELETE FROM outbox WHERE id = $1', [id]);
    },
    async retryOutbox(id, nextAttemptMs, error) {
      if (!closed) await pool.query('UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = $1, last_error = $2 WHERE id = $3', [nextAttemptMs, error.slice(0, 500), id]);
    },
    async outboxStats() {
      if (closed) return [];
      return (await rows(pool, 'SELECT forwarder, count(*) AS pending, min(created_ms) AS oldest FROM outbox GROUP BY forwarder')).map((r) => ({
        forwarder: r.forwarder as string, pending: r.pending as number, oldestMs: r.oldest as number,
      }));
    },
    async deviceIntel(deviceId) {
      const r = await one(pool, 'SELECT source_country, source_asn, source_as_org, server_findings FROM devices WHERE device_id = $1', [deviceId]);
      if (!r) return null;
      return {
        source: { country: (r.source_country as string | null) ?? null, asn: (r.source_asn as number | null) ?? null, asOrg: (r.source_as_org as string | null) ?? null },
        serverFindings: r.server_findings ? (JSON.parse(r.server_findings as string) as Finding[]) : [],
      };
    },
    holdsTimers: () => timerLock.acquire(),
  };
  return storage;
}
