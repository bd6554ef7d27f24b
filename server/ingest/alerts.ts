import type { AlertBefore } from '../forwarders/outbox.js';
import { forUpdate } from '../db/sql/dialect.js';
import { get, own, run, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import { alertUnchanged } from '../db/rows.js';

/** What an upsert reads of the active alert of its (rule, key): not the evidence, rewritten and never read here (a few KB). */
export const activeColumns = 'id, device_ids, status, severity, summary';
export type ActiveAlert = { id: number; device_ids: string; status: string; severity: string; summary: string };

/** Told when an alert changed, in the same transaction (the forwarder outbox). */
export type ChangedStep = (alertId: number, kind: 'new' | 'update', before?: AlertBefore) => Steps<void>;

/**
 * One active alert per (rule, key). On PostgreSQL across replicas: the active row is locked (FOR UPDATE) before it is
 * updated, and an insert that loses a race to another replica (the partial unique index) updates the winner's row
 * instead. On SQLite the single writer makes the first try the only one.
 */
export function upsertAlertSteps(dialect: Pick<SqlDb, 'dialect'>, changed: ChangedStep) {
  const active = `SELECT ${activeColumns} FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'${forUpdate(dialect)}`;
  /**
   * `known`: the active row as the caller has just read it in this transaction (locked likewise on PostgreSQL), or null
   * when it read that there is none: the first try does not read it again.
   */
  return function* upsertAlert(rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string, known?: ActiveAlert | null): Steps<void> {
    // An alert keyed to a device is written by that device's reports only: its read may be batched (sql/steps.ts Batch).
    const options = key.startsWith('device:') ? own : undefined;
    for (let tries = 0; tries < 3; tries++) {
      const row = tries === 0 && known !== undefined ? known ?? undefined : yield* get<ActiveAlert>(active, [rule, key], options);
      if (row) {
        if (alertUnchanged(row, severity, summary, deviceIds)) return;
        yield* updateAlert(severity, deviceIds, summary, evidence, at, row.id);
        yield* changed(row.id, 'update', row);
        return;
      }
      const inserted = yield* get<{ id: number }>(
        `INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)
         ON CONFLICT (rule, alert_key) WHERE status <> 'resolved' DO NOTHING RETURNING id`,
        [rule, key, severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at, at],
      );
      if (inserted) {
        yield* changed(Number(inserted.id), 'new');
        return;
      }
    }
    throw new Error(`alert ${rule} ${key}: lost the insert race three times`);
  };
}

export function* updateAlert(severity: string, deviceIds: readonly string[], summary: string, evidence: unknown, at: string, id: number): Steps<void> {
  yield* run('UPDATE alerts SET severity = ?, device_ids = ?, summary = ?, evidence = ?, updated_at = ? WHERE id = ?', [severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at, id]);
}
