import type Database from 'better-sqlite3';
import type { SqlDb, SqlRow } from './types.js';

/**
 * SqlDb over one better-sqlite3 connection. Its calls are synchronous underneath; a transaction is
 * `BEGIN IMMEDIATE … COMMIT` on the single writer, and transactions are queued one after another so that two
 * async callers never interleave inside one.
 */
export function sqliteDb(db: Database.Database): SqlDb {
  let queue: Promise<unknown> = Promise.resolve();
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const bind = (params: readonly unknown[]): unknown[] => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));
  const direct: SqlDb = {
    dialect: 'sqlite',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      const s = prepare(sql);
      return (s.reader ? s.all(...bind(params)) : (s.run(...bind(params)), [])) as T[];
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      const s = prepare(sql);
      return (s.reader ? s.get(...bind(params)) : (s.run(...bind(params)), undefined)) as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return { changes: prepare(sql).run(...bind(params)).changes };
    },
    transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(direct);
          db.exec('COMMIT');
          return value;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      });
      queue = next.catch(() => {});
      return next;
    },
    async lock() {},
  };
  return direct;
}
