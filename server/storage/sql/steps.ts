import type Database from 'better-sqlite3';
import type { SqlDb, SqlRow, SqlRun } from './types.js';

/**
 * Hot-path storage logic written once as a generator of SQL steps, run by one of two drivers: synchronously on
 * better-sqlite3 (inside the ingest's `db.transaction`, no promise per statement: SQLite's throughput path stays
 * synchronous) or asynchronously on any SqlDb (PostgreSQL's transaction). `yield* get(…)` reads like `await tx.get(…)`.
 */
export type Step =
  | { op: 'all' | 'get' | 'run'; sql: string; params: readonly unknown[] }
  /** SqlDb.lock: an advisory lock on PostgreSQL, nothing on SQLite's single writer. */
  | { op: 'lock'; key: string }
  /** A call into code of the driver's own kind (a synchronous SQLite writer, or an async one on PostgreSQL). */
  | { op: 'call'; sync: () => unknown; async: () => Promise<unknown> };
export type Steps<T> = Generator<Step, T, unknown>;

export function* all<T = SqlRow>(sql: string, params: readonly unknown[] = []): Steps<T[]> {
  return (yield { op: 'all', sql, params }) as T[];
}
export function* get<T = SqlRow>(sql: string, params: readonly unknown[] = []): Steps<T | undefined> {
  return (yield { op: 'get', sql, params }) as T | undefined;
}
/** The synchronous driver also tells the row's rowid (one lookup less than the key); the async one does not. */
export function* run(sql: string, params: readonly unknown[] = []): Steps<SqlRun & { rowid?: number | bigint }> {
  return (yield { op: 'run', sql, params }) as SqlRun & { rowid?: number | bigint };
}
export function* lock(key: string): Steps<void> {
  yield { op: 'lock', key };
}
export function* call<T>(sync: () => T, async: () => Promise<T>): Steps<T> {
  return (yield { op: 'call', sync, async }) as T;
}

const bind = (params: readonly unknown[]): unknown[] => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));

/** The synchronous driver: statements prepared once per text, on the caller's connection (and transaction). */
export function syncDriver(db: Database.Database): <T>(steps: Steps<T>) => T {
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return <T>(steps: Steps<T>): T => {
    let next = steps.next();
    while (!next.done) {
      const step = next.value;
      let value: unknown;
      if (step.op === 'call') value = step.sync();
      else if (step.op === 'lock') value = undefined;
      else {
        const s = prepare(step.sql);
        if (step.op === 'run') {
          const r = s.run(...bind(step.params));
          value = { changes: r.changes, rowid: r.lastInsertRowid };
        }
        else if (step.op === 'all') value = s.reader ? s.all(...bind(step.params)) : (s.run(...bind(step.params)), []);
        else value = s.reader ? s.get(...bind(step.params)) : (s.run(...bind(step.params)), undefined);
      }
      next = steps.next(value);
    }
    return next.value;
  };
}

/** The asynchronous driver, on a SqlDb (inside its transaction). */
export async function runSteps<T>(tx: SqlDb, steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    const step = next.value;
    let value: unknown;
    if (step.op === 'call') value = await step.async();
    else if (step.op === 'lock') value = await tx.lock(step.key);
    else if (step.op === 'run') value = await tx.run(step.sql, step.params);
    else if (step.op === 'all') value = await tx.all(step.sql, step.params);
    else value = await tx.get(step.sql, step.params);
    next = steps.next(value);
  }
  return next.value;
}
