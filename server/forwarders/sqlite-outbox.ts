import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { Alert, AlertEvent, OutboxRow } from '../storage/types.js';
import { syncDriver } from '../storage/sql/steps.js';
import { outboxSteps } from './outbox.js';

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

/** The outbox writer on SQLite's synchronous ingest: server/forwarders/outbox.ts's steps, run synchronously. */
export function prepareOutboxWriter(db: Database.Database, forwarders: readonly string[], clock: () => number = Date.now): AlertChanged {
  const changed = outboxSteps({ dialect: 'sqlite' }, forwarders, clock);
  if (!changed) return () => {};
  const steps = syncDriver(db);
  return (alertId, kind, before) => steps(changed(alertId, kind, before));
}
