import type pg from 'pg';
import { numberPlaceholders, type SqlDb, type SqlRow } from './types.js';

type Queryable = pg.Pool | pg.PoolClient;

/** SqlDb over a pg pool; a transaction takes one pooled connection for its whole length. */
export function pgDb(pool: pg.Pool): SqlDb {
  const on = (q: Queryable): SqlDb => ({
    dialect: 'postgres',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await q.query(numbered(sql), params as unknown[])).rows as T[];
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return (await q.query(numbered(sql), params as unknown[])).rows[0] as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: (await q.query(numbered(sql), params as unknown[])).rowCount ?? 0 };
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

const numberedTexts = new Map<string, string>();
/** `?` → `$n`, remembered per query text (the texts are the program's own, a bounded set). */
function numbered(sql: string): string {
  let t = numberedTexts.get(sql);
  if (t === undefined) numberedTexts.set(sql, (t = numberPlaceholders(sql)));
  return t;
}

/** Past this many texts a new one runs unnamed: a text built from data must not grow every connection without end. */
const maxNamed = 1_000;
const statementNames = new Map<string, string>();
/** The statement's text and, for the first maxNamed texts, its name (the same on every connection). */
function prepared(sql: string): { text: string; name?: string } {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < maxNamed) statementNames.set(sql, (name = `farmwatch_${statementNames.size + 1}`));
  return name === undefined ? { text: numbered(sql) } : { text: numbered(sql), name };
}
