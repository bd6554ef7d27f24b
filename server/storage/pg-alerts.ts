import { outboxSteps } from '../forwarders/outbox.js';
import { runSteps } from './sql/steps.js';
import { pgClientDb } from './sql/pg.js';
import type pg from 'pg';
import type { AlertBefore } from '../forwarders/outbox.js';
import { alertUnchanged, toAlert } from './rows.js';
export { toAlert };

export type Row = Record<string, unknown>;
export type Db = pg.Pool | pg.PoolClient;

export const rows = async <T = Row>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> => (await db.query(sql, params)).rows as T[];
export const one = async <T = Row>(db: Db, sql: string, params: unknown[] = []): Promise<T | undefined> => (await rows<T>(db, sql, params))[0];


/** Runs `fn` in one transaction on one pooled connection. */
export async function inTransaction<T>(pool: pg.Pool, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Advisory lock keys: one 64-bit hash per name, taken by hashtextextended in SQL. */
export const lockSql = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

export type AlertChangedPg = (db: Db, alertId: number, kind: 'new' | 'update', before?: AlertBefore) => Promise<void>;

/** The outbox writer (server/forwarders/outbox.ts, written once) on the ingest transaction's connection. */
export function pgOutboxWriter(forwarders: readonly string[], clock: () => number = Date.now): AlertChangedPg {
  const changed = outboxSteps({ dialect: 'postgres' }, forwarders, clock);
  if (!changed) return async () => {};
  return (db, alertId, kind, before) => runSteps(pgClientDb(db), changed(alertId, kind, before));
}

export type UpsertAlertPg = (db: Db, rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => Promise<void>;

/**
 * One active alert per (rule, key) across replicas: the active row is locked (FOR UPDATE) before it is updated, and
 * an insert that loses a race to another replica (the partial unique index) updates the winner's row instead.
 */
export function pgUpsertAlert(changed: AlertChangedPg): UpsertAlertPg {
  const upsert: UpsertAlertPg = async (db, rule, key, severity, deviceIds, summary, evidence, at) => {
    for (let tries = 0; tries < 3; tries++) {
      const active = await one(db, "SELECT id, device_ids, status, severity, summary FROM alerts WHERE rule = $1 AND alert_key = $2 AND status <> 'resolved' FOR UPDATE", [rule, key]);
      if (active) {
        if (alertUnchanged(active, severity, summary, deviceIds)) return;
        await db.query('UPDATE alerts SET severity = $1, device_ids = $2, summary = $3, evidence = $4, updated_at = $5 WHERE id = $6', [
          severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at, active.id,
        ]);
        await changed(db, active.id as number, 'update', active);
        return;
      }
      const inserted = await one<{ id: number }>(
        db,
        `INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7)
         ON CONFLICT (rule, alert_key) WHERE status <> 'resolved' DO NOTHING RETURNING id`,
        [rule, key, severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at],
      );
      if (inserted) {
        await changed(db, inserted.id, 'new');
        return;
      }
    }
    throw new Error(`alert ${rule} ${key}: lost the insert race three times`);
  };
  return upsert;
}
