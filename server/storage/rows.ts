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
