/**
 * The narrow interface domain storage is written against, once for both engines. SQL uses `?` placeholders; the
 * PostgreSQL dialect numbers them. What truly differs between engines (upsert syntax, locks, DDL) is asked of
 * `dialect`, never written as a second copy of the logic.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlRun {
  /** Rows changed by the statement. */
  changes: number;
}

export interface SqlDb {
  readonly dialect: 'sqlite' | 'postgres';
  all<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<SqlRun>;
  /**
   * Runs `fn` in one transaction and commits when it resolves (rolls back when it throws). Inside, use only the
   * `tx` handed in, and await nothing but its calls: on SQLite the transaction holds the single writer.
   */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  /**
   * Inside a transaction, serialises every transaction that locks the same key (PostgreSQL: a transaction-scoped
   * advisory lock; SQLite: a no-op, its writer is already single).
   */
  lock(key: string): Promise<void>;
}

/** `?` → `$1, $2, …` outside quoted strings. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}
