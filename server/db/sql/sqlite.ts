import type Database from 'better-sqlite3';
import type { SqlDb, SqlRow } from './types.js';

/** SqlDb over better-sqlite3, plus the door for the synchronous fast paths that share its one connection. */
export interface SqliteSqlDb extends SqlDb {
  /**
   * Runs a synchronous `fn` (a better-sqlite3 `db.transaction`) on the shared connection when no async transaction
   * is open on it: at once when none is (the ingest fast path pays nothing), after the open ones otherwise.
   */
  whenFree<T>(fn: () => T): T | Promise<T>;
}

/**
 * SqlDb over one better-sqlite3 connection. Its calls are synchronous underneath. A transaction is
 * `BEGIN IMMEDIATE … COMMIT` on the single writer, held across the awaits of its own `tx` calls (each resolves at
 * once, so the open transaction lasts microtasks, never an I/O wait). Transactions are queued one after another, and
 * a call made outside the transaction while one is open waits for it: another request's statement must neither land
 * inside someone else's transaction (and roll back with it) nor read what it has not committed yet.
 */
export function sqliteDb(db: Database.Database): SqliteSqlDb {
  let queue: Promise<unknown> = Promise.resolve();
  let open = false;
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
  const all = <T>(sql: string, params: readonly unknown[]): T[] => {
    const s = prepare(sql);
    return (s.reader ? s.all(...bind(params)) : (s.run(...bind(params)), [])) as T[];
  };
  const get = <T>(sql: string, params: readonly unknown[]): T | undefined => {
    const s = prepare(sql);
    return (s.reader ? s.get(...bind(params)) : (s.run(...bind(params)), undefined)) as T | undefined;
  };
  const run = (sql: string, params: readonly unknown[]) => ({ changes: prepare(sql).run(...bind(params)).changes });

  const transaction = <T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> => {
    const next = queue.then(async () => {
      db.exec('BEGIN IMMEDIATE');
      open = true;
      try {
        const value = await fn(inside);
        db.exec('COMMIT');
        return value;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      } finally {
        open = false;
      }
    });
    queue = next.catch(() => {});
    return next;
  };

  // The handle a transaction's body uses: straight onto the connection, the transaction is its own.
  const inside: SqlDb = {
    dialect: 'sqlite',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return all<T>(sql, params);
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      return get<T>(sql, params);
    },
    async run(sql: string, params: readonly unknown[] = []) {
      return run(sql, params);
    },
    // Already inside one: the body runs in the same transaction (as PostgreSQL would not nest either).
    transaction: (fn) => fn(inside),
    async lock() {},
  };

  return {
    dialect: 'sqlite',
    async all<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      while (open) await queue;
      return all<T>(sql, params);
    },
    async get<T = SqlRow>(sql: string, params: readonly unknown[] = []) {
      while (open) await queue;
      return get<T>(sql, params);
    },
    async run(sql: string, params: readonly unknown[] = []) {
      while (open) await queue;
      return run(sql, params);
    },
    transaction,
    async lock() {},
    whenFree<T>(fn: () => T): T | Promise<T> {
      if (!open) return fn();
      return (async () => {
        // Checked again in the same step that runs fn: another queued transaction may have begun meanwhile.
        while (open) await queue;
        return fn();
      })();
    },
  };
}
