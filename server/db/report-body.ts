import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SqlDb } from './sql/types.js';

/**
 * Stored report bodies, and the ONE way back to the JSON the agent sent. A `reports` row holds its body in one of
 * three forms:
 *  - `body` text, as received: rows written before compaction (and nothing else writes it now);
 *  - `body_z`, the same text compressed (`body` is ''): a full row;
 *  - neither (`body` is '', `body_z` null) and `repeats` naming the full row of the same device whose facts it
 *    repeats: a heartbeat (server/ingest/report-row.ts). It answers with that row's body, its own report id and
 *    collected-at put back (the other per-cycle values, sentAt, nextReportBy and the agent's cycle costs, are the full
 *    row's).
 * A heartbeat with no full row left to read, or a body that does not decode, reads as absent, never as an error.
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

/** One row's own body, whichever form it is stored in; undefined for a heartbeat. */
function ownBody(body: string | null, bodyZ: Uint8Array | null): string | undefined {
  if (body) return body;
  return bodyZ ? decompressBody(bodyZ) : undefined;
}

export interface StoredBodyRow {
  collected_at: string;
  body: string | null;
  body_z: Uint8Array | null;
  base_body: string | null;
  base_body_z: Uint8Array | null;
}

/** The columns `decodeStoredBody` reads, of a query `FROM reports r LEFT JOIN reports b ON b.report_id = r.repeats`. */
export const storedBodyColumns = 'r.report_id, r.collected_at, r.body, r.body_z, b.body AS base_body, b.body_z AS base_body_z';

/** Pure and total: the body as received (a heartbeat's rebuilt from its full row), or undefined when there is none. */
export function decodeStoredBody(row: StoredBodyRow & { report_id: string }): string | undefined {
  const own = ownBody(row.body, row.body_z);
  if (own !== undefined) return own;
  const base = ownBody(row.base_body, row.base_body_z);
  if (base === undefined) return undefined;
  try {
    const parsed = JSON.parse(base) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    // Spread keeps the keys where they were: the same JSON as the report stored whole, but for the per-cycle values.
    return JSON.stringify({ ...(parsed as Record<string, unknown>), reportId: row.report_id, collectedAt: row.collected_at });
  } catch {
    return undefined;
  }
}

interface ReadRow extends StoredBodyRow {
  report_id: string;
  device_id: string;
  received_ms: number | string;
  repeats: string | null;
}

/**
 * The one read path of a stored report body: every reader (API, dashboard, case export) goes through it. A heartbeat
 * whose full row retention removed (it made the first kept heartbeat a full row instead: server/storage/store.ts)
 * reads the device's newest full row received before it, one probe of reports_full: the facts are the same, since
 * any change in between would have been stored whole.
 */
export async function storedBody(sql: SqlDb, reportId: string): Promise<string | undefined> {
  const row = await sql.get<ReadRow>(`SELECT ${storedBodyColumns}, r.device_id, r.received_ms, r.repeats FROM reports r LEFT JOIN reports b ON b.report_id = r.repeats WHERE r.report_id = ?`, [reportId]);
  if (!row) return undefined;
  // `body` is NOT NULL: a null base body means the full row is gone.
  if (row.repeats !== null && row.base_body === null) {
    const before = await sql.get<{ body_z: Uint8Array }>('SELECT body_z FROM reports WHERE device_id = ? AND received_ms <= ? AND body_z IS NOT NULL ORDER BY received_ms DESC LIMIT 1', [
      row.device_id, Number(row.received_ms),
    ]);
    return decodeStoredBody({ ...row, base_body: null, base_body_z: before?.body_z ?? null });
  }
  return decodeStoredBody(row);
}
