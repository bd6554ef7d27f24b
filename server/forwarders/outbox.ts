import { inList, listParam } from '../storage/sql/dialect.js';
import { all, get, run, runSteps, type Steps } from '../storage/sql/steps.js';
import type { SqlDb } from '../storage/sql/types.js';
import { toAlert } from '../storage/rows.js';
import { alertEvent, eventDevices, forwardable, type AlertBefore } from './sqlite-outbox.js';

/** Called inside the transaction that changed the alert, with that transaction. */
export type AlertChangedSql = (tx: SqlDb, alertId: number, kind: 'new' | 'update', before?: AlertBefore) => Promise<void>;

/**
 * The outbox writer, once for both engines, as SQL steps (server/storage/sql/steps.ts): one row per configured
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
