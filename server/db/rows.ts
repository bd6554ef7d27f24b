import type { Alert, AlertStatus, DeviceDetail, DeviceSummary, FleetDevice } from './records.js';

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

/** A devices row as the fleet list shows it: the same columns on both engines. */
export const toSummary = (r: Row): DeviceSummary => ({
  deviceId: r.device_id as string,
  hostname: r.hostname as string,
  platform: r.platform as string,
  lastSeen: (r.last_seen as string | null) ?? null,
  score: (r.score as number | null) ?? null,
  level: (r.level as string | null) ?? null,
  serverScore: (r.server_score as number | null) ?? null,
  serverLevel: (r.server_level as string | null) ?? null,
});

/** A device's page: its row, its recent reports (newest first) and the findings of its latest report's stored body. */
export function toDeviceDetail(r: Row, history: readonly Row[], latestBody: string | undefined): DeviceDetail {
  const latest = latestBody ? (JSON.parse(latestBody) as { findings?: unknown[]; truncated?: unknown }) : undefined;
  const truncated = latest?.truncated;
  return {
    device: {
      ...toSummary(r),
      agentVersion: r.agent_version as string,
      enrolledAt: r.enrolled_at as string,
      nextReportBy: (r.next_report_by as string | null) ?? null,
      enrolled: r.token_hash !== null,
      lastSourceIp: (r.last_source_ip as string | null) ?? null,
    },
    findings: latest?.findings ?? [],
    ...(truncated && typeof truncated === 'object' && !Array.isArray(truncated) ? { truncated: truncated as Record<string, unknown> } : {}),
    history: history.map((h) => ({
      reportId: h.report_id as string,
      collectedAt: h.collected_at as string,
      receivedAt: new Date(h.received_ms as number).toISOString(),
      score: h.score as number,
      level: h.level as string,
    })),
  };
}

/** A devices row on the dashboard's fleet page, both engines: the server's verdict where it has one (the laptop's user may be the adversary: docs/threat-model.md). */
export const toFleetDevice = (r: Row): FleetDevice => ({
  ...toSummary(r),
  score: ((r.server_score ?? r.score) as number | null) ?? null,
  level: ((r.server_level ?? r.level) as string | null) ?? null,
  agentScore: (r.score as number | null) ?? null,
  agentLevel: (r.level as string | null) ?? null,
  nextReportBy: (r.next_report_by as string | null) ?? null,
  enrolled: r.token_hash !== null,
});
