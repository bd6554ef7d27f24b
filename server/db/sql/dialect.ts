import type { SqlDb } from './types.js';

/**
 * What differs between the engines in the text of a query, asked of the dialect so that the query is written once.
 * Everything else (`?` placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`) is the same SQL on both.
 */

/** `column` ordered by bytes: PostgreSQL's default collation is the locale's, SQLite's is already binary. */
export function byteOrder(db: Pick<SqlDb, 'dialect'>, column: string): string {
  return db.dialect === 'postgres' ? `${column} COLLATE "C"` : column;
}

/** `FOR UPDATE` on PostgreSQL (a row lock for the rest of the transaction); nothing on SQLite, whose writer is single. */
export function forUpdate(db: Pick<SqlDb, 'dialect'>, skipLocked = false): string {
  return db.dialect === 'postgres' ? (skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE') : '';
}

/** The smaller of two expressions (SQLite's scalar `min`, PostgreSQL's `least`). */
export function smaller(db: Pick<SqlDb, 'dialect'>, a: string, b: string): string {
  return db.dialect === 'postgres' ? `least(${a}, ${b})` : `min(${a}, ${b})`;
}

/** The larger of two expressions (SQLite's scalar `max`, PostgreSQL's `greatest`). */
export function larger(db: Pick<SqlDb, 'dialect'>, a: string, b: string): string {
  return db.dialect === 'postgres' ? `greatest(${a}, ${b})` : `max(${a}, ${b})`;
}

/** `column` is one of a list bound as ONE parameter (`listParam`): an array on PostgreSQL, JSON text on SQLite. */
export function inList(db: Pick<SqlDb, 'dialect'>, column: string): string {
  return db.dialect === 'postgres' ? `${column} = ANY(?)` : `${column} IN (SELECT value FROM json_each(?))`;
}

export function listParam(db: Pick<SqlDb, 'dialect'>, values: readonly unknown[]): unknown {
  return db.dialect === 'postgres' ? values : JSON.stringify(values);
}
