import type Database from 'better-sqlite3';
import type { SqlDb, SqlRow, SqlRun } from './types.js';

/**
 * Hot-path storage logic written once as a generator of SQL steps, run by one of two drivers: synchronously on
 * better-sqlite3 (inside the ingest's `db.transaction`, no promise per statement: SQLite's throughput path stays
 * synchronous) or asynchronously on any SqlDb (PostgreSQL's transaction). `yield* get(…)` reads like `await tx.get(…)`.
 */
export type Step =
  | { op: 'all' | 'get' | 'run'; sql: string; params: readonly unknown[]; batch?: Batch; writes?: string }
  /** SqlDb.lock: an advisory lock on PostgreSQL, nothing on SQLite's single writer. */
  | { op: 'lock'; key: string }
  /** A call into code of the driver's own kind (a synchronous SQLite writer, or an async one on PostgreSQL). */
  | { op: 'call'; sync: () => unknown; async: () => Promise<unknown> }
  /**
   * One write (`run`) for several parameter sets of one report, whose order among themselves does not matter (each
   * touches its own rows): the results in the order of `each`. With a batch form (no INSERT key), PostgreSQL's
   * batched driver runs them with the other reports' in one multi-row statement: one round trip, not one per set.
   */
  | { op: 'each'; sql: string; each: readonly (readonly unknown[])[]; batch?: Batch };
export type Steps<T> = Generator<Step, T, unknown>;

/**
 * A step's batch form: the statement touches only the reporting device's own rows (its report, its device row, its
 * presence rows, alerts keyed `device:<id>`, its fleet memberships), which no other report of the batch writes, so
 * PostgreSQL's batched driver (./lockstep.ts) may run it for many reports as one multi-row statement (./pg-batch.ts).
 * SQLite's driver ignores it: its statements cost microseconds, not a round trip.
 */
export interface Batch {
  /** An INSERT's key columns: RETURNING them tells which rows went in; two steps with the same key never share a statement. */
  key?: readonly string[];
  /**
   * A table other reports write too, read here (a fleet count): the batched driver checks that no earlier report
   * writes it (`writes`) after a later one read it, and otherwise reruns the batch one report at a time.
   */
  reads?: string;
}
/** The batch form of a statement on the device's own rows (no INSERT key, no shared table). */
export const own: { batch: Batch } = { batch: {} };
export interface StepOptions {
  batch?: Batch;
  /** A table this step writes that batched steps of other reports read (`Batch.reads`). */
  writes?: string;
}

export function* all<T = SqlRow>(sql: string, params: readonly unknown[] = [], options?: StepOptions): Steps<T[]> {
  return (yield { op: 'all', sql, params, ...options }) as T[];
}
export function* get<T = SqlRow>(sql: string, params: readonly unknown[] = [], options?: StepOptions): Steps<T | undefined> {
  return (yield { op: 'get', sql, params, ...options }) as T | undefined;
}
/** The synchronous driver also tells the row's rowid (one lookup less than the key); the async one does not. */
export function* run(sql: string, params: readonly unknown[] = [], options?: StepOptions): Steps<SqlRun & { rowid?: number | bigint }> {
  return (yield { op: 'run', sql, params, ...options }) as SqlRun & { rowid?: number | bigint };
}
/** `run` for each parameter set, in any order among themselves (Step `each`); the results in the order given. */
export function* runEach(sql: string, each: readonly (readonly unknown[])[], options?: { batch?: Batch }): Steps<SqlRun[]> {
  if (options?.batch?.key) throw new Error('runEach: no batch form with an INSERT key');
  if (!each.length) return [];
  return (yield { op: 'each', sql, each, ...options }) as SqlRun[];
}
export function* lock(key: string): Steps<void> {
  yield { op: 'lock', key };
}
export function* call<T>(sync: () => T, async: () => Promise<T>): Steps<T> {
  return (yield { op: 'call', sync, async }) as T;
}

/** better-sqlite3 binds neither booleans nor undefined; the params are copied only when one is there (the hot path binds as given). */
function bind(params: readonly unknown[]): unknown[] {
  for (const p of params) if (typeof p === 'boolean' || p === undefined) return params.map((q) => (typeof q === 'boolean' ? (q ? 1 : 0) : q === undefined ? null : q));
  return params as unknown[];
}

/** The synchronous driver: statements prepared once per text, on the caller's connection (and transaction). */
export function syncDriver(db: Database.Database): <T>(steps: Steps<T>) => T {
  // Prepared once per text, with whether it returns rows (asked of better-sqlite3 once, not per call).
  const statements = new Map<string, { s: Database.Statement; reader: boolean }>();
  const prepare = (sql: string) => {
    let p = statements.get(sql);
    if (!p) {
      const s = db.prepare(sql);
      statements.set(sql, (p = { s, reader: s.reader }));
    }
    return p;
  };
  return <T>(steps: Steps<T>): T => {
    let next = steps.next();
    while (!next.done) {
      const step = next.value;
      let value: unknown;
      if (step.op === 'call') value = step.sync();
      else if (step.op === 'lock') value = undefined;
      else if (step.op === 'each') {
        const { s } = prepare(step.sql);
        value = step.each.map((params) => ({ changes: s.run(...bind(params)).changes }));
      } else {
        const { s, reader } = prepare(step.sql);
        const params = bind(step.params);
        if (step.op === 'run') {
          const r = s.run(...params);
          value = { changes: r.changes, rowid: r.lastInsertRowid };
        } else if (step.op === 'all') value = reader ? s.all(...params) : (s.run(...params), []);
        else value = reader ? s.get(...params) : (s.run(...params), undefined);
      }
      next = steps.next(value);
    }
    return next.value;
  };
}

/** One step on a SqlDb (inside its transaction), as the asynchronous drivers run it. */
export function runStep(tx: SqlDb, step: Step): Promise<unknown> {
  if (step.op === 'call') return step.async();
  if (step.op === 'each') return runEachOn(tx, step.sql, step.each);
  if (step.op === 'lock') return tx.lock(step.key);
  if (step.op === 'run') return tx.run(step.sql, step.params);
  if (step.op === 'all') return tx.all(step.sql, step.params);
  return tx.get(step.sql, step.params);
}

/** The asynchronous driver, on a SqlDb (inside its transaction). */
export async function runSteps<T>(tx: SqlDb, steps: Steps<T>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await runStep(tx, next.value));
  return next.value;
}

async function runEachOn(tx: SqlDb, sql: string, each: readonly (readonly unknown[])[]): Promise<SqlRun[]> {
  const out: SqlRun[] = [];
  for (const params of each) out.push(await tx.run(sql, params));
  return out;
}
