import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AlertEvent } from './types.js';
import type { AlertBefore } from '../forwarders/sqlite-outbox.js';
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

/**
 * The outbox writer (PostgreSQL twin of prepareOutboxWriter): one row per forwarder in the alert's own transaction;
 * an update that changes nothing a SOC sees is not forwarded.
 */
export function pgOutboxWriter(forwarders: readonly string[], clock: () => number = Date.now): AlertChangedPg {
  if (!forwarders.length) return async () => {};
  return async (db, alertId, kind, before) => {
    const row = await one(db, 'SELECT * FROM alerts WHERE id = $1', [alertId]);
    if (!row) return;
    if (before && before.status === row.status && before.severity === row.severity && before.summary === row.summary && before.device_ids === row.device_ids) return;
    const alert = toAlert(row);
    const ids = alert.deviceIds.slice(0, 50);
    const names = new Map((await rows<{ device_id: string; hostname: string }>(db, 'SELECT device_id, hostname FROM devices WHERE device_id = ANY($1)', [ids])).map((r) => [r.device_id, r.hostname]));
    const event: AlertEvent = { uid: randomUUID(), kind, at: alert.updatedAt, alert, devices: ids.map((deviceId) => ({ deviceId, hostname: names.get(deviceId) ?? null })) };
    const now = clock();
    await db.query(
      'INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) SELECT f, $2, $3, $4, $4 FROM unnest($1::text[]) f',
      [forwarders, alertId, JSON.stringify(event), now],
    );
  };
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
