import type pg from 'pg';
import { numberPlaceholders, type SqlDb, type SqlRow } from './types.js';

type Queryable = pg.Pool | pg.PoolClient;

/** SqlDb over a pg pool; a transaction takes one pooled connection for its whole length. */
export function pgDb(pool: pg.Pool): SqlDb {
  const converted = new Map<string, string>();
  const text = (sql: string): string => {
    let t = converted.get(sql);
    if (t === undefined) {
      t = numberPlaceholders(sql);
      converted.set(sql, t);
    }
    return t;
  };
  const on = (q: Queryable): SqlDb => ({
    dialect: 'postgres',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await q.query(text(sql), params as unknown[])).rows as T[];
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await q.query(text(sql), params as unknown[])).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await q.query(text(sql), params as unknown[])).rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn(on(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async lock(key: string) {
      await q.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    },
  });
  return on(pool);
}

/**
 * SqlDb on one connection a caller already holds inside its own transaction (PostgreSQL's ingest): statements run on
 * it, and transaction() runs its body on it too (no nesting, as in the SQLite transaction handle).
 */
export function pgClientDb(client: pg.PoolClient | pg.Pool): SqlDb {
  const db: SqlDb = {
    dialect: 'postgres',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(numbered(sql), params as unknown[])).rows as T[];
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(numbered(sql), params as unknown[])).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0 };
    },
    transaction: (fn) => fn(db),
    async lock(key: string) {
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    },
  };
  return db;
}

const numberedTexts = new Map<string, string>();
/** `?` → `$n`, remembered per query text (the texts are the program's own, a bounded set). */
function numbered(sql: string): string {
  let t = numberedTexts.get(sql);
  if (t === undefined) numberedTexts.set(sql, (t = numberPlaceholders(sql)));
  return t;
}
