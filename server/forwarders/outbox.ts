import { inList, listParam } from '../storage/sql/dialect.js';
import type { SqlDb } from '../storage/sql/types.js';
import { toAlert } from '../storage/rows.js';
import { alertEvent, eventDevices, forwardable, type AlertBefore } from './sqlite-outbox.js';

/** Called inside the transaction that changed the alert, with that transaction. */
export type AlertChangedSql = (tx: SqlDb, alertId: number, kind: 'new' | 'update', before?: AlertBefore) => Promise<void>;

/**
 * The outbox writer over SqlDb, for both engines: one row per configured forwarder in the alert's own transaction.
 * With no forwarder configured it is a no-op. (SQLite's synchronous ingest path uses prepareOutboxWriter, which
 * decides with the same forwardable/alertEvent.)
 */
export function outboxWriter(forwarders: readonly string[], clock: () => number = Date.now): AlertChangedSql {
  if (!forwarders.length) return async () => {};
  return async (tx, alertId, kind, before) => {
    const row = await tx.get('SELECT * FROM alerts WHERE id = ?', [alertId]);
    if (!row || !forwardable(row, before)) return;
    const alert = toAlert(row);
    const ids = eventDevices(alert);
    const names = new Map(
      (await tx.all<{ device_id: string; hostname: string }>(`SELECT device_id, hostname FROM devices WHERE ${inList(tx, 'device_id')}`, [listParam(tx, ids)])).map((r) => [r.device_id, r.hostname]),
    );
    const text = JSON.stringify(alertEvent(alert, kind, names));
    const now = clock();
    for (const name of forwarders) await tx.run('INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?)', [name, alertId, text, now, now]);
  };
}
