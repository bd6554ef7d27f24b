import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SqlDb } from './sql/types.js';
import { collectedAtOf, heartbeatKey } from './heartbeat-key.js';

/**
 * Stored report bodies, and the ONE way back to the JSON the agent sent. A report is stored as one of:
 *  - a `reports` row with its `body` text, as received: rows written before compaction (nothing writes it now);
 *  - a `reports` row with `body_z`, the same text compressed (`body` is ''): a full row;
 *  - a `heartbeats` row (server/ingest/report-row.ts): its report id, times and the `reports.id` of its device's full
 *    row whose facts it repeats, no body. It answers with that row's body, its own report id and collected-at put
 *    back (the other per-cycle values, sentAt, nextReportBy and the agent's cycle costs, are the full row's).
 * Retention never leaves a heartbeat without its full row (server/storage/store.ts). A body that does not decode
 * (or a row version 10 left as a heartbeat of nothing) reads as absent, never as an error.
 */

/**
 * The first byte of `body_z` names its format, so that a later format (a preset dictionary, another codec) reads
 * beside this one. 1: deflate-raw at level 1. Measured on a real agent's 1 KB reports (CPU per report): deflate-raw
 * level 1 ~30 µs to 592 B, level 6 the same size, brotli quality 1 ~20 µs to 627 B, quality 4 ~58 µs to 606 B. The
 * keyed hashes (hex) barely compress, the JSON around them does. Only full rows are compressed, so bytes count more
 * than the 10 µs.
 */
const deflateRaw1 = 1;

export function compressBody(text: string): Buffer {
  const z = deflateRawSync(Buffer.from(text, 'utf8'), { level: 1 });
  return Buffer.concat([Buffer.of(deflateRaw1), z]);
}

/** Total: undefined for an unknown format or a corrupt value. */
export function decompressBody(stored: Uint8Array): string | undefined {
  if (stored.length < 1 || stored[0] !== deflateRaw1) return undefined;
  try {
    return inflateRawSync(stored.subarray(1), { maxOutputLength: 64 * 1024 * 1024 }).toString('utf8');
  } catch {
    return undefined;
  }
}

/** One row's own body, whichever form it is stored in; undefined when it has none. */
function ownBody(body: string | null, bodyZ: Uint8Array | null): string | undefined {
  if (body) return body;
  return bodyZ ? decompressBody(bodyZ) : undefined;
}

/** Pure and total: a heartbeat's body, from its full row's, with its own report id and collected-at. */
export function heartbeatBody(base: string, reportId: string, collectedAt: string): string | undefined {
  try {
    const parsed = JSON.parse(base) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    // Spread keeps the keys where they were: the same JSON as the report stored whole, but for the per-cycle values.
    return JSON.stringify({ ...(parsed as Record<string, unknown>), reportId, collectedAt });
  } catch {
    return undefined;
  }
}

interface ReadRow {
  collected_at: string | null;
  collected_ms: number | string | null;
  body: string | null;
  body_z: Uint8Array | null;
  /** 0: the report's own row; 1: its heartbeat (whose collected_ms may be NULL, read from its id). */
  o: number | string;
}

/**
 * A report's own row, else its heartbeat joined to the full row it names: one statement, one index probe each. A
 * report id is in one of the two tables; the device is asked too, so that two colluding agents that got one id into
 * both (the same id from two devices in one instant, on two replicas) never read as each other.
 */
const readSql = `SELECT r.collected_at, CAST(NULL AS BIGINT) AS collected_ms, r.body, r.body_z, 0 AS o FROM reports r WHERE r.report_id = ? AND r.device_id = ?
  UNION ALL SELECT CAST(NULL AS TEXT), h.collected_ms, b.body, b.body_z, 1 FROM heartbeats h JOIN reports b ON b.id = h.base WHERE h.id = ? AND b.device_id = ?
  ORDER BY o LIMIT 1`;

/**
 * The one read path of a stored report body: every reader (API, dashboard, case export, retention) goes through it,
 * with the report's device.
 */
export async function storedBody(sql: SqlDb, reportId: string, deviceId: string): Promise<string | undefined> {
  // A heartbeat keeps its id in lower case (version 10's upper-case ones were moved over so): it answers with the id
  // as asked, the one the device row names.
  const row = await sql.get<ReadRow>(readSql, [reportId, deviceId, heartbeatKey(sql, reportId.toLowerCase()) ?? null, deviceId]);
  if (!row) return undefined;
  const own = ownBody(row.body, row.body_z);
  if (Number(row.o) === 0) return own;
  return own === undefined ? undefined : heartbeatBody(own, reportId, collectedAtOf(reportId, row.collected_ms));
}
