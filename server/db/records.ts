import type { Finding } from '../../rules/types.js';

// The records the server's storage reads and writes, shared by the domain modules (forwarders, cases, the dashboard)
// and the Storage interface above them (server/storage/types.ts): they name nothing of the domain folders.

export interface DeviceIntel {
  source: { country: string | null; asn: number | null; asOrg: string | null };
  serverFindings: Finding[];
}

export interface EnrollRecord {
  deviceId: string;
  hostname: string;
  platform: string;
  agentVersion: string;
  tokenHash: Buffer;
  at: Date;
}

export interface DeviceAuth {
  deviceId: string;
}

export interface DeviceSummary {
  deviceId: string;
  hostname: string;
  platform: string;
  lastSeen: string | null;
  /** The agent's own score and level of the latest report, as it sent them. */
  score: number | null;
  level: string | null;
  /** The server's verdict on the same report (it re-scores under its own policy): what the SOC acts on. */
  serverScore: number | null;
  serverLevel: string | null;
}

export interface DeviceDetail {
  device: DeviceSummary & { agentVersion: string; enrolledAt: string; nextReportBy: string | null; enrolled: boolean; lastSourceIp: string | null };
  findings: unknown[];
  /** The latest report's `truncated` field when the agent cut it to fit the body limit (what was cut); absent otherwise. */
  truncated?: Record<string, unknown>;
  history: { reportId: string; collectedAt: string; receivedAt: string; score: number; level: string }[];
}

export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

export interface AlertPage {
  limit: number;
  before?: number | undefined;
}

export interface Alert {
  id: number;
  rule: string;
  status: AlertStatus;
  severity: string;
  deviceIds: string[];
  summary: string;
  evidence: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** One change of an alert, as every forwarder formats it; written to the outbox in the alert's own transaction. */
export interface AlertEvent {
  /** Unique per change, the same for every forwarder: receivers may de-duplicate on it (delivery is at least once). */
  uid: string;
  kind: 'new' | 'update';
  /** ISO time of the change (the alert's updatedAt). */
  at: string;
  alert: Alert;
  /** The alert's devices with their enrolled hostnames (at most 50). */
  devices: { deviceId: string; hostname: string | null }[];
}

export interface OutboxRow {
  id: number;
  forwarder: string;
  attempts: number;
  createdMs: number;
  event: AlertEvent;
}

/** On the fleet page `score`/`level` are the server's verdict where it has one; the agent's are kept beside. */
export interface FleetDevice extends DeviceSummary {
  agentScore: number | null;
  agentLevel: string | null;
  nextReportBy: string | null;
  enrolled: boolean;
}

export interface FleetOverview {
  total: number;
  byLevel: Record<string, number>;
  histogram: number[];
  devices: FleetDevice[];
  silent: FleetDevice[];
}
