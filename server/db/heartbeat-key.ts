import type { SqlDb } from './sql/types.js';

/**
 * The narrow columns of a heartbeat row (table `heartbeats`, server/storage/migrations.ts version 11): its report id
 * as 16 bytes and its collected-at as integer milliseconds. Only values that read back as exactly the text the agent
 * sent are stored this way (a lower-case UUID, a time as `Date#toISOString` writes it); any other report is stored
 * whole, so every reader answers as before. SQLite keeps the id as a 16-byte BLOB, PostgreSQL as its `uuid` type
 * (bound and read as text): the one engine difference, kept here.
 */

const canonicalUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Pure and total: the heartbeat key of a report id, or undefined when the id would not read back the same. */
export function heartbeatKey(db: Pick<SqlDb, 'dialect'>, reportId: string): Buffer | string | undefined {
  if (!canonicalUuid.test(reportId)) return undefined;
  return db.dialect === 'postgres' ? reportId : Buffer.from(reportId.replace(/-/g, ''), 'hex');
}

/** Pure and total: a stored heartbeat key as the report id it was (undefined for a value no heartbeat holds). */
export function reportIdOfKey(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  if (!(stored instanceof Uint8Array) || stored.length !== 16) return undefined;
  const hex = Buffer.from(stored).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Pure and total: collected-at as milliseconds when they read back as the same text, else undefined. */
export function collectedMs(collectedAt: string): number | undefined {
  const ms = Date.parse(collectedAt);
  if (!Number.isFinite(ms)) return undefined;
  const back = new Date(ms);
  return back.toISOString() === collectedAt ? ms : undefined;
}

/** The time a canonical report id begins with: its first 48 bits, as a UUID version 7 holds milliseconds. */
const idMs = (reportId: string): number => parseInt(reportId.slice(0, 8) + reportId.slice(9, 13), 16);

/**
 * Pure and total: the `collected_ms` a heartbeat stores (version 14). Agents stamp a report's id with its collection
 * time (agent/report.ts), so for them it is NULL, which takes no bytes: the time is read back from the id. Any other
 * value (an older agent's id, made when the report was built) is stored as it is.
 */
export function storedCollectedMs(reportId: string, ms: number): number | null {
  return canonicalUuid.test(reportId) && idMs(reportId) === ms ? null : ms;
}

/** Pure and total: a heartbeat's collected-at, from its stored `collected_ms` and its report id. */
export function collectedAtOf(reportId: string, stored: number | string | null): string {
  const ms = stored === null ? idMs(reportId) : Number(stored);
  return new Date(Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : 0).toISOString();
}
