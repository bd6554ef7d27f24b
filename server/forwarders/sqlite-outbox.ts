import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Alert, AlertEvent, OutboxRow } from '../storage/types.js';
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
    if (!row || !forwardable(row, before)) return;
    const alert = rowToAlert(row);
    const names = new Map(eventDevices(alert).map((id) => [id, (hostname.get(id) as string | undefined) ?? null]));
    const text = JSON.stringify(alertEvent(alert, kind, names));
    const now = clock();
    for (const name of forwarders) insert.run(name, alertId, text, now, now);
  };
}
