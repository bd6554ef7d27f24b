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

/**
 * Bytes kept in a TEXT column: a BLOB on SQLite (a column takes a value of any type), base64 text on PostgreSQL (its
 * TEXT takes valid UTF-8 only). bytesOfText reads either back.
 */
export function bytesInText(db: Pick<SqlDb, 'dialect'>, bytes: Buffer): Buffer | string {
  return db.dialect === 'postgres' ? bytes.toString('base64') : bytes;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Total: the bytes bytesInText stored, from either engine's row (a BLOB reads as bytes, base64 as text); undefined
 * for a value that is neither (text that is not base64: Buffer.from would skip what it cannot read, not refuse it).
 */
export function bytesOfText(stored: unknown): Uint8Array | undefined {
  if (stored instanceof Uint8Array) return stored;
  if (typeof stored !== 'string' || stored.length % 4 !== 0 || !base64.test(stored)) return undefined;
  return Buffer.from(stored, 'base64');
}
