import { inList, listParam } from '../db/sql/dialect.js';
import { all, get, run, runSteps, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import { toAlert } from '../db/rows.js';
import { randomUUID } from 'node:crypto';
import type { Alert, AlertEvent, OutboxRow } from '../db/records.js';

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

/** Whether an alert change is forwarded: a new alert always, an update only when what a SOC sees changed. */
export function forwardable(row: Row, before?: AlertBefore): boolean {
  return !(before && before.status === row.status && before.severity === row.severity && before.summary === row.summary && before.device_ids === row.device_ids);
}

/** The devices an event names (with their hostnames): the first 50 of the alert. */
export const eventDevices = (alert: Alert): string[] => alert.deviceIds.slice(0, 50);

/** One change of an alert as every forwarder formats it. */
export function alertEvent(alert: Alert, kind: 'new' | 'update', hostnames: ReadonlyMap<string, string | null>): AlertEvent {
  return { uid: randomUUID(), kind, at: alert.updatedAt, alert, devices: eventDevices(alert).map((deviceId) => ({ deviceId, hostname: hostnames.get(deviceId) ?? null })) };
}

/** The outbox rows of a due claim, as the dispatcher reads them. */
export const toOutboxRow = (r: Row): OutboxRow => ({
  id: Number(r.id),
  forwarder: r.forwarder as string,
  attempts: Number(r.attempts),
  createdMs: Number(r.created_ms),
  event: JSON.parse(r.event as string) as AlertEvent,
});

/** Called inside the transaction that changed the alert, with that transaction. */
export type AlertChangedSql = (tx: SqlDb, alertId: number, kind: 'new' | 'update', before?: AlertBefore) => Promise<void>;

/**
 * The outbox writer, once for both engines, as SQL steps (server/db/sql/steps.ts): one row per configured
 * forwarder in the alert's own transaction. SQLite's ingest runs it synchronously, everything else asynchronously.
 * `null` with no forwarder configured, so that the default server pays nothing.
 */
export function outboxSteps(dialect: Pick<SqlDb, 'dialect'>, forwarders: readonly string[], clock: () => number = Date.now) {
  if (!forwarders.length) return null;
  return function* changed(alertId: number, kind: 'new' | 'update', before?: AlertBefore): Steps<void> {
    const row = yield* get('SELECT * FROM alerts WHERE id = ?', [alertId]);
    if (!row || !forwardable(row, before)) return;
    const alert = toAlert(row);
    const found = yield* all<{ device_id: string; hostname: string }>(`SELECT device_id, hostname FROM devices WHERE ${inList(dialect, 'device_id')}`, [listParam(dialect, eventDevices(alert))]);
    const text = JSON.stringify(alertEvent(alert, kind, new Map(found.map((r) => [r.device_id, r.hostname]))));
    const now = clock();
    for (const name of forwarders) yield* run('INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?)', [name, alertId, text, now, now]);
  };
}

/** The outbox writer on a SqlDb transaction. */
export function outboxWriter(dialect: Pick<SqlDb, 'dialect'>, forwarders: readonly string[], clock: () => number = Date.now): AlertChangedSql {
  const changed = outboxSteps(dialect, forwarders, clock);
  if (!changed) return async () => {};
  return (tx, alertId, kind, before) => runSteps(tx, changed(alertId, kind, before));
}
