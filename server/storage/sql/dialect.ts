import type { SqlDb } from './types.js';

/**
 * What differs between the engines in the text of a query, asked of the dialect so that the query is written once.
 * Everything else (`?` placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`) is the same SQL on both.
 */

/** `column` ordered by bytes: PostgreSQL's default collation is the locale's, SQLite's is already binary. */
export function byteOrder(db: SqlDb, column: string): string {
  return db.dialect === 'postgres' ? `${column} COLLATE "C"` : column;
}

/** `FOR UPDATE` on PostgreSQL (a row lock for the rest of the transaction); nothing on SQLite, whose writer is single. */
export function forUpdate(db: SqlDb, skipLocked = false): string {
  return db.dialect === 'postgres' ? (skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE') : '';
}
