import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { AlertEvent, OutboxRow } from '../storage/types.js';
import { toAlert as rowToAlert } from '../storage/rows.js';

type Row = Record<string, unknown>;

/** What an alert looked like before an update: an update that changes none of it is not forwarded. */
export interface AlertBefore {
  status?: unknown;
  severity?: unknown;
  summary?: unknown;
  device_ids?: unknown;
}

/** Called inside the transaction that changed the alert. */
export type AlertChanged = (alertId: number, kind: 'new' | 'update', before?: AlertBefore) => void;


/**
 * The outbox writer. With no forwarder configured it is a no-op, so the default server pays nothing. An update
 * is forwarded only when what a SOC sees changed (status, severity, summary, devices): a device that stays
 * `high` report after report does not flood the SIEM; its score moving does (the summary carries it).
 */
export function prepareOutboxWriter(db: Database.Database, forwarders: readonly string[], clock: () => number = Date.now): AlertChanged {
  if (!forwarders.length) return () => {};
  const alertById = db.prepare('SELECT * FROM alerts WHERE id = ?');
  const hostname = db.prepare('SELECT hostname FROM devices WHERE device_id = ?').pluck();
  const insert = db.prepare('INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?)');
  return (alertId, kind, before) => {
    const row = alertById.get(alertId) as Row | undefined;
    if (!row) return;
    if (before && before.status === row.status && before.severity === row.severity && before.summary === row.summary && before.device_ids === row.device_ids) return;
    const alert = rowToAlert(row);
    const event: AlertEvent = {
      uid: randomUUID(),
      kind,
      at: alert.updatedAt,
      alert,
      devices: alert.deviceIds.slice(0, 50).map((deviceId) => ({ deviceId, hostname: (hostname.get(deviceId) as string | undefined) ?? null })),
    };
    const text = JSON.stringify(event);
    const now = clock();
    for (const name of forwarders) insert.run(name, alertId, text, now, now);
  };
}

/** The dispatcher's side of the outbox. Each call is one short indexed statement or transaction. */
export function prepareOutboxQueue(db: Database.Database) {
  const s = {
    due: db.prepare('SELECT id, forwarder, attempts, created_ms, event FROM outbox WHERE forwarder = ? AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?'),
    lease: db.prepare('UPDATE outbox SET next_attempt_ms = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
    retry: db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?'),
    stats: db.prepare('SELECT forwarder, count(*) AS pending, min(created_ms) AS oldest FROM outbox GROUP BY forwarder'),
  };
  const claim = db.transaction((forwarder: string, nowMs: number, limit: number, leaseMs: number): OutboxRow[] => {
    const rows = s.due.all(forwarder, nowMs, limit) as Row[];
    for (const r of rows) s.lease.run(nowMs + leaseMs, r.id);
    return rows.map((r) => ({
      id: r.id as number,
      forwarder: r.forwarder as string,
      attempts: r.attempts as number,
      createdMs: r.created_ms as number,
      event: JSON.parse(r.event as string) as AlertEvent,
    }));
  });
  return {
    claim: (forwarder: string, nowMs: number, limit: number, leaseMs: number) => claim(forwarder, nowMs, limit, leaseMs),
    remove: (id: number) => void s.remove.run(id),
    retry: (id: number, nextAttemptMs: number, error: string) => void s.retry.run(nextAttemptMs, error.slice(0, 500), id),
    stats: () => (s.stats.all() as Row[]).map((r) => ({ forwarder: r.forwarder as string, pending: r.pending as number, oldestMs: r.oldest as number })),
  };
}
