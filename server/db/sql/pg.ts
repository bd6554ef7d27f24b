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
 * it, and transaction() runs its body on it too (no nesting, as in the SQLite transaction handle). Every text runs as
 * a named prepared statement (parsed once per connection, not once per call): the ingest's texts are the program's
 * own, a bounded set, and its batch forms are long (the device update is kilobytes), so PostgreSQL stops parsing and
 * planning them per batch and the driver stops sending them.
 */
export function pgClientDb(client: pg.PoolClient | pg.Pool): SqlDb {
  const query = (sql: string, params: readonly unknown[]) => {
    const { text, name } = prepared(sql);
    return client.query(name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] });
  };
  const db: SqlDb = {
    dialect: 'postgres',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await query(sql, params)).rows as T[];
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await query(sql, params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await query(sql, params)).rowCount ?? 0 };
    },
    transaction: (fn) => fn(db),
    async lock(key: string) {
      await query('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
    },
  };
  return db;
}

/** Past this many texts a new one runs unnamed: a text built from data must not grow every connection without end. */
const maxNamed = 1_000;
const preparedTexts = new Map<string, { text: string; name?: string }>();
/** `?` → `$n` and the statement's name, remembered per query text (the texts are the program's own, a bounded set). */
function prepared(sql: string): { text: string; name?: string } {
  let p = preparedTexts.get(sql);
  if (p === undefined) {
    const text = numberPlaceholders(sql);
    p = preparedTexts.size < maxNamed ? { text, name: `farmwatch_${preparedTexts.size + 1}` } : { text };
    if (p.name) preparedTexts.set(sql, p);
  }
  return p;
}
