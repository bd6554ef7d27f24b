import type { Alert, AlertStatus } from './types.js';

type Row = Record<string, unknown>;

/** An alerts row as the API shows it: the same columns on both engines (device_ids and evidence are JSON text). */
export const toAlert = (r: Row): Alert => ({
  id: r.id as number,
  rule: r.rule as string,
  status: r.status as AlertStatus,
  severity: r.severity as string,
  deviceIds: JSON.parse(r.device_ids as string) as string[],
  summary: r.summary as string,
  evidence: JSON.parse(r.evidence as string) as Record<string, unknown>,
  createdAt: r.created_at as string,
  updatedAt: r.updated_at as string,
});

/**
 * True when an alert update would change nothing an analyst or a SIEM acts on (severity, summary, members): a device
 * that keeps reporting the same thing is not written again (measured: +26 % ingest, docs/BENCHMARKS.md), and its
 * `updatedAt` keeps meaning "last real change". The device page shows the latest findings either way.
 */
export function alertUnchanged(active: Row, severity: string, summary: string, deviceIds: readonly string[]): boolean {
  return active.severity === severity && active.summary === summary && active.device_ids === JSON.stringify(deviceIds);
}
