import type { IngestItem } from './item.js';
import { compressBody } from '../db/report-body.js';
import { factsHash } from './report-facts.js';

/** What the ingest knows of the device's last full row (its device row, read once per report: ./steps.ts). */
export interface FactsBefore {
  facts_hash: Uint8Array | null;
  facts_report_id: string | null;
}

/** The body columns of one `reports` row, and what the device row keeps of it. */
export interface ReportRow {
  /** '' for every row written now: the body is in `bodyZ`, or in the row `repeats` names (server/db/report-body.ts). */
  body: string;
  bodyZ: Buffer | null;
  /** A heartbeat: the report id of the device's full row with the same facts. */
  repeats: string | null;
  /** A full row: its facts hash, kept on the device row for the next report to compare with. */
  factsHash: Buffer | null;
}

const sameBytes = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * A report whose facts (./report-facts.ts) hash as the device's last full row's is stored as a heartbeat: time,
 * report id and a pointer, no body. Any other (a change, the first report, a body that is no JSON object) is stored
 * whole, compressed. The hash is the server's, of the body as received (never one the agent sends).
 */
export function reportRow(item: Pick<IngestItem, 'body' | 'factsHash'>, before: FactsBefore | undefined): ReportRow {
  // Hashed where the body was parsed already (the report's preparation), else here.
  const hash = item.factsHash !== undefined ? item.factsHash : factsHash(item.body);
  if (hash && before?.facts_report_id && sameBytes(before.facts_hash, hash)) return { body: '', bodyZ: null, repeats: before.facts_report_id, factsHash: null };
  return { body: '', bodyZ: compressBody(item.body), repeats: null, factsHash: hash };
}
