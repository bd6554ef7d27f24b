import { timingSafeEqual } from 'node:crypto';
import { decideSilent, longestPromiseMs, silentAgentRule } from '../../rules/fleet/index.js';
import type { Finding } from '../../rules/types.js';
import type { AlertChangedSql } from '../forwarders/outbox.js';
import { toOutboxRow } from '../forwarders/outbox.js';
import { byteOrder, forUpdate, inList, listParam } from '../db/sql/dialect.js';
import type { TokenCache } from './token-cache.js';
import type { SqlDb } from '../db/sql/types.js';
import { toAlert, toDeviceDetail, toSummary } from '../db/rows.js';
import type { AlertStatus } from '../db/records.js';
import { compressBody, storedBody } from '../db/report-body.js';
import { reportHistory } from '../db/report-history.js';
import { collectedAtOf, reportIdOfKey } from '../db/heartbeat-key.js';
import { heartbeatHour, heartbeatOrder, hourOfMs } from '../db/heartbeat-order.js';
import type { Storage } from './types.js';

type Row = Record<string, unknown>;

/** Rows one retention statement deletes at most. */
export const pruneChunk = 1000;

// The prune's reads of heartbeats by time, through heartbeats_base (server/db/heartbeat-order.ts); exported for the
// test that asserts their plans on both engines.
/** A chunk of heartbeats older than the cutoff, found through their full rows: [cutoff, hourOfMs(cutoff), cutoff]. */
export const pruneHeartbeatsSql = `DELETE FROM heartbeats WHERE id IN (SELECT h.id FROM reports b JOIN heartbeats h ON h.base = b.id WHERE b.received_ms < ? AND ${heartbeatHour('h.received_ms')} <= ? AND h.received_ms < ? LIMIT ${pruneChunk})`;
/** Each full row older than the cutoff with the first of its heartbeats still kept: [cutoff]. */
export const firstKeptHeartbeatsSql = `SELECT e.base, e.device_id, e.first FROM (SELECT b.id AS base, b.device_id, (SELECT h.id FROM heartbeats h WHERE h.base = b.id ORDER BY ${heartbeatOrder('h.received_ms', 'ASC')} LIMIT 1) AS first FROM reports b WHERE b.received_ms < ?) e WHERE e.first IS NOT NULL`;

/**
 * Runs a chunk's DELETE until one deletes fewer than a chunk, yielding between them: a large prune never holds the
 * writer (and the ingest behind it) for long. Returns the rows deleted.
 */
async function inChunks(chunk: () => Promise<{ changes: number }>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = (await chunk()).changes;
    total += n;
    if (n < pruneChunk) return total;
    await new Promise((r) => setImmediate(r));
  }
}

export interface StoreHooks {
  /** Resolves once the commit is on disk (SQLite's WAL sync). */
  durable?: <T>(value: T) => Promise<T>;
  /**
   * Token hash → device id, so the hot path skips a lookup (./token-cache.ts); on PostgreSQL checked against the
   * change counter, so that a rotated or revoked token fails on every replica within its recheck.
   */
  tokens?: TokenCache;
  /** Whether the storage was closed: the outbox answers nothing after close (the dispatcher may still poll once). */
  closed?: () => boolean;
}

type Written = Pick<
  Storage,
  'enroll' | 'authenticate' | 'listDevices' | 'getDevice' | 'listAlerts' | 'transitionAlert' | 'checkSilence' | 'prune' | 'stats' | 'claimOutbox' | 'removeOutbox' | 'retryOutbox' | 'outboxStats' | 'deviceIntel'
>;

/**
 * Devices, alerts, the silence timer, retention and the forwarders' outbox: written once over SqlDb for both engines.
 * Ingest (the throughput path) and the lifecycle live in their own modules.
 */
export function domainStore(sql: SqlDb, changed: AlertChangedSql, hooks: StoreHooks = {}): Written {
  const durable = hooks.durable ?? (async <T>(v: T) => v);
  const tokens = hooks.tokens;
  const closed = hooks.closed ?? (() => false);
  return {
    async enroll(d) {
      const at = d.at.toISOString();
      return durable(
        await sql.transaction(async (tx) => {
          await tx.lock(`device:${d.deviceId}`);
          const inserted = await tx.run('INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO NOTHING', [
            d.deviceId, d.hostname, d.platform, d.agentVersion, d.tokenHash, at,
          ]);
          if (inserted.changes) return 'enrolled' as const;
          const again = await tx.run('UPDATE devices SET hostname = ?, platform = ?, agent_version = ?, token_hash = ?, enrolled_at = ? WHERE device_id = ? AND token_hash IS NULL', [
            d.hostname, d.platform, d.agentVersion, d.tokenHash, at, d.deviceId,
          ]);
          return again.changes ? ('enrolled' as const) : ('conflict' as const);
        }),
      );
    },
    async authenticate(tokenHash) {
      const key = tokens ? tokenHash.toString('base64') : '';
      const cached = tokens ? await tokens.get(key) : undefined;
      if (cached?.deviceId) return { deviceId: cached.deviceId };
      const row = await sql.get('SELECT device_id, token_hash FROM devices WHERE token_hash = ?', [tokenHash]);
      if (!row) return null;
      const stored = row.token_hash as Buffer;
      if (stored.length !== tokenHash.length || !timingSafeEqual(stored, tokenHash)) return null;
      if (tokens && cached) tokens.set(key, row.device_id as string, cached.generation);
      return { deviceId: row.device_id as string };
    },
    async listDevices({ limit, after }) {
      const list = await sql.all(`SELECT * FROM devices WHERE ${byteOrder(sql, 'device_id')} > ? ORDER BY ${byteOrder(sql, 'device_id')} LIMIT ?`, [after ?? '', limit + 1]);
      const devices = list.slice(0, limit).map(toSummary);
      const last = devices.at(-1);
      return list.length > limit && last ? { devices, next: last.deviceId } : { devices };
    },
    async getDevice(deviceId, historyLimit) {
      const r = await sql.get('SELECT * FROM devices WHERE device_id = ?', [deviceId]);
      if (!r) return null;
      const history = await reportHistory(sql, deviceId, historyLimit);
      const latest = r.latest_report_id ? await storedBody(sql, r.latest_report_id as string, deviceId) : undefined;
      return toDeviceDetail(r, history, latest);
    },
    async listAlerts(status, page) {
      // `active` is "not resolved"; without a page, no LIMIT clause at all (the engines spell "no limit" differently).
      const where = status === undefined ? '' : status === 'active' ? "status <> 'resolved' AND " : 'status = ? AND ';
      const params: unknown[] = status === undefined || status === 'active' ? [] : [status];
      params.push(page?.before ?? Number.MAX_SAFE_INTEGER);
      if (page) params.push(page.limit);
      return (await sql.all(`SELECT * FROM alerts WHERE ${where}id < ? ORDER BY id DESC${page ? ' LIMIT ?' : ''}`, params)).map(toAlert);
    },
    async transitionAlert(id, to, at) {
      const result = await sql.transaction(async (tx) => {
        const row = await tx.get(`SELECT * FROM alerts WHERE id = ?${forUpdate(tx)}`, [id]);
        if (!row) return 'not-found' as const;
        const from = row.status as AlertStatus;
        if (from === to) return toAlert(row);
        // open → acknowledged → resolved; resolving straight from open is allowed, going back is not.
        if (from === 'resolved') return 'conflict' as const;
        await tx.run('UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?', [to, at.toISOString(), id]);
        await changed(tx, id, 'update');
        return toAlert((await tx.get('SELECT * FROM alerts WHERE id = ?', [id])) as Row);
      });
      return durable(result);
    },
    async checkSilence(now, graceHours) {
      // Past the grace, or a promise longer than the ingest ever keeps (stored before report times were judged on the
      // server's clock): decideSilent bounds that one by lastSeen.
      const overdue = await sql.all('SELECT device_id, next_report_by, last_seen FROM devices WHERE token_hash IS NOT NULL AND (next_report_ms < ? OR next_report_ms > ?)', [
        now.getTime() - graceHours * 3_600_000, now.getTime() + longestPromiseMs,
      ]);
      const decisions = decideSilent(
        overdue.map((r) => ({ deviceId: r.device_id as string, nextReportBy: r.next_report_by as string | null, lastSeen: r.last_seen as string | null })),
        now,
        graceHours,
      );
      if (!decisions.length) return 0;
      const at = now.toISOString();
      const opened = await sql.transaction(async (tx) => {
        let n = 0;
        for (const d of decisions) {
          // The partial unique index keeps one active alert per device, whichever replica inserts first.
          const inserted = await tx.get<{ id: number }>(
            `INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)
             ON CONFLICT (rule, alert_key) WHERE status <> 'resolved' DO NOTHING RETURNING id`,
            [silentAgentRule.id, `device:${d.deviceId}`, silentAgentRule.severity, JSON.stringify([d.deviceId]), d.summary, JSON.stringify(d.evidence), at, at],
          );
          if (!inserted) continue;
          await changed(tx, Number(inserted.id), 'new');
          n++;
        }
        return n;
      });
      return durable(opened);
    },
    async prune(before, presenceBefore) {
      let total = 0;
      const cutoff = before.getTime();
      // A device's next report must not repeat a full row about to go: it is stored whole instead. Under the device's
      // lock (the ingest's, PostgreSQL): a report being stored now that read the old row commits first, so its heartbeat
      // is seen below, and none comes after. Only devices whose last full row crossed the cutoff since the last prune.
      const stale = await sql.all<{ device_id: string }>('SELECT device_id FROM devices WHERE (SELECT r.received_ms FROM reports r WHERE r.report_id = devices.facts_report_id) < ?', [cutoff]);
      for (const { device_id } of stale) {
        await sql.transaction(async (tx) => {
          await tx.lock(`device:${device_id}`);
          await tx.run('UPDATE devices SET facts_hash = NULL, facts_report_id = NULL WHERE device_id = ? AND (SELECT r.received_ms FROM reports r WHERE r.report_id = devices.facts_report_id) < ?', [device_id, cutoff]);
        });
      }
      // Heartbeats first, so that none is ever left naming a deleted full row. They are found through their full rows
      // (received before them, so older than the cutoff too: reports_received, then one heartbeats_base range each, up to
      // the cutoff's hour).
      total += await inChunks(() =>
        sql.run(pruneHeartbeatsSql, [cutoff, hourOfMs(cutoff), cutoff]),
      );
      // A full row older than the cutoff whose run of heartbeats goes on past it: the row takes the identity of its
      // first kept heartbeat (id, times, and its body as that heartbeat reads), and that heartbeat row goes. The later
      // heartbeats keep naming the same row, so none is rewritten: one row written per device whose unchanged run
      // crosses the cutoff.
      const edges = await sql.all<{ base: number | string; device_id: string; first: unknown }>(firstKeptHeartbeatsSql, [cutoff]);
      for (const { base, device_id, first } of edges) {
        const reportId = first == null ? undefined : reportIdOfKey(first);
        if (reportId === undefined) continue;
        const beat = await sql.get<{ received_ms: number | string; collected_ms: number | string | null }>('SELECT received_ms, collected_ms FROM heartbeats WHERE id = ?', [first]);
        const body = await storedBody(sql, reportId, device_id);
        if (!beat || body === undefined) continue;
        // (Not when a hostile agent got the same id into both tables: the row then stays until its heartbeats go.)
        total += await sql.transaction(async (tx) => {
          const moved = await tx.run("UPDATE reports SET report_id = ?, collected_at = ?, received_ms = ?, body = '', body_z = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM reports x WHERE x.report_id = ?)", [
            reportId, collectedAtOf(reportId, beat.collected_ms), Number(beat.received_ms), compressBody(body), Number(base), reportId,
          ]);
          if (moved.changes) await tx.run('DELETE FROM heartbeats WHERE id = ?', [first]);
          // The full row's own report is gone.
          return moved.changes;
        });
      }
      // Full rows, in chunks: one still named by a heartbeat (written while this prune ran) stays for the next prune.
      total += await inChunks(() =>
        sql.run(
          `DELETE FROM reports WHERE id IN (SELECT r.id FROM reports r WHERE r.received_ms < ? AND NOT EXISTS (SELECT 1 FROM heartbeats h WHERE h.base = r.id) LIMIT ${pruneChunk})`,
          [cutoff],
        ),
      );
      await sql.run('DELETE FROM presence WHERE last_seen_ms < ?', [presenceBefore.getTime()]);
      return total;
    },
    async stats() {
      const devicesByLevel: Record<string, number> = {};
      for (const r of await sql.all<{ level: string; n: number }>("SELECT coalesce(level, 'unknown') AS level, count(*) AS n FROM devices GROUP BY 1")) devicesByLevel[r.level] = Number(r.n);
      const alertsByRuleStatus = (await sql.all<{ rule: string; status: string; n: number }>('SELECT rule, status, count(*) AS n FROM alerts GROUP BY rule, status')).map((r) => ({
        rule: r.rule, status: r.status, count: Number(r.n),
      }));
      return { devicesByLevel, alertsByRuleStatus };
    },
    // SKIP LOCKED on PostgreSQL: replicas polling at once each take different rows; the lease keeps a row from being
    // taken twice. Outbox bookkeeping is not made durable: a delivery forgotten in a power cut is sent again.
    async claimOutbox(forwarder, nowMs, limit, leaseMs) {
      if (closed()) return [];
      return sql.transaction(async (tx) => {
        const due = await tx.all(`SELECT id, forwarder, attempts, created_ms, event FROM outbox WHERE forwarder = ? AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?${forUpdate(tx, true)}`, [
          forwarder, nowMs, limit,
        ]);
        if (due.length) await tx.run(`UPDATE outbox SET next_attempt_ms = ? WHERE ${inList(tx, 'id')}`, [nowMs + leaseMs, listParam(tx, due.map((r) => Number(r.id)))]);
        return due.map(toOutboxRow);
      });
    },
    async removeOutbox(id) {
      if (!closed()) await sql.run('DELETE FROM outbox WHERE id = ?', [id]);
    },
    async retryOutbox(id, nextAttemptMs, error) {
      if (!closed()) await sql.run('UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?', [nextAttemptMs, error.slice(0, 500), id]);
    },
    async outboxStats() {
      if (closed()) return [];
      return (await sql.all('SELECT forwarder, count(*) AS pending, min(created_ms) AS oldest FROM outbox GROUP BY forwarder')).map((r) => ({
        forwarder: r.forwarder as string, pending: Number(r.pending), oldestMs: Number(r.oldest),
      }));
    },
    async deviceIntel(deviceId) {
      const r = await sql.get('SELECT source_country, source_asn, source_as_org, server_findings FROM devices WHERE device_id = ?', [deviceId]);
      if (!r) return null;
      return {
        source: { country: (r.source_country as string | null) ?? null, asn: r.source_asn == null ? null : Number(r.source_asn), asOrg: (r.source_as_org as string | null) ?? null },
        serverFindings: r.server_findings ? (JSON.parse(r.server_findings as string) as Finding[]) : [],
      };
    },
  };
}
