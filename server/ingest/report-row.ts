import type { IngestItem } from './item.js';
import { compressBody } from '../db/report-body.js';
import { collectedMs, heartbeatKey, storedCollectedMs } from '../db/heartbeat-key.js';
import type { SqlDb } from '../db/sql/types.js';
import { factsHash } from './report-facts.js';

/** What the ingest knows of the device's last full row (its device row, read once per report: ./steps.ts). */
export interface FactsBefore {
  facts_hash: Uint8Array | null;
  facts_report_id: string | null;
  /** The `reports.id` of that row, while it is there (read with the device row). */
  facts_base: number | string | null;
}

/** A report stored as a narrow `heartbeats` row: its id, the full row it repeats, its collected-at. */
export interface HeartbeatRow {
  key: Buffer | string;
  base: number;
  /** NULL where the id holds it (server/db/heartbeat-key.ts). */
  collectedMs: number | null;
}

/** How one report is stored, and what the device row keeps of it. */
export interface ReportRow {
  /** '' for every full row written now: the body is in `bodyZ` (server/db/report-body.ts). */
  body: string;
  bodyZ: Buffer | null;
  /** Set: the report is a heartbeat, and none of the full row's columns are written. */
  heartbeat: HeartbeatRow | null;
  /** A full row: its facts hash, kept on the device row for the next report to compare with. */
  factsHash: Buffer | null;
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * A report whose facts (./report-facts.ts) hash as the device's last full row's is stored as a heartbeat: its id, its
 * times and the full row it repeats, no body. Any other (a change, the first report, a body that is no JSON object,
 * an id or collected-at that would not read back as sent: server/db/heartbeat-key.ts) is stored whole, compressed.
 * The hash is the server's, of the body as received (never one the agent sends).
 */
export function reportRow(db: Pick<SqlDb, 'dialect'>, item: Pick<IngestItem, 'body' | 'report' | 'factsHash'>, before: FactsBefore | undefined): ReportRow {
  // Hashed where the body was parsed already (the report's preparation), else here.
  const hash = item.factsHash !== undefined ? item.factsHash : factsHash(item.body);
  const base = before?.facts_base;
  if (hash && base != null && before?.facts_report_id && sameBytes(before.facts_hash, hash)) {
    const key = heartbeatKey(db, item.report.reportId);
    const collected = collectedMs(item.report.collectedAt);
    if (key !== undefined && collected !== undefined) return { body: '', bodyZ: null, heartbeat: { key, base: Number(base), collectedMs: storedCollectedMs(item.report.reportId, collected) }, factsHash: null };
  }
  return { body: '', bodyZ: compressBody(item.body), heartbeat: null, factsHash: hash };
}
