import type { Report } from '../../schema/report.js';
import type { ColocationPolicy } from '../../rules/fleet/index.js';
import type { Finding } from '../../rules/types.js';
import type { SourceGeo } from '../geo/open.js';
import type { IntelPolicy } from '../geo/policy.js';
import type { IngestGuard, LifecycleStorage } from '../lifecycle/storage-types.js';
import type { SqlDb } from './sql/types.js';

/**
 * What the server needs from a database. Every method returns a Promise so that a networked engine
 * (PostgreSQL, for several stateless replicas) implements the same interface without touching callers.
 * Decisions (which alert to open) live in pure functions (rules/fleet, server/device-alerts.ts) that every
 * engine calls; an engine only stores and fetches.
 */
export interface Storage extends DashboardStorage, LifecycleStorage {
  /** The database under this storage, for domain modules written once for both engines (server/storage/sql/). */
  readonly sql: SqlDb;
  /** The fleet's HMAC key for place identifiers, created with the database. */
  fleetKey(): Promise<string>;
  enroll(device: EnrollRecord): Promise<'enrolled' | 'conflict'>;
  /** The device a token hash belongs to, or null (unknown or revoked by a reset). */
  authenticate(tokenHash: Buffer): Promise<DeviceAuth | null>;
  /** Commits the whole batch in one transaction; outcomes are in the order of `items`. */
  ingest(items: readonly IngestItem[], policy: IngestPolicy): Promise<IngestOutcome[]>;
  listDevices(page: { limit: number; after?: string | undefined }): Promise<{ devices: DeviceSummary[]; next?: string }>;
  getDevice(deviceId: string, historyLimit: number): Promise<DeviceDetail | null>;
  /** Revokes the token: the device may enroll again. False when unknown. */
  resetDevice(deviceId: string, at: Date): Promise<boolean>;
  /**
   * Alerts newest first: of one status, or `active` (not resolved); with `page`, at most `limit` of them with an id
   * below `before` (the API's cursor). Without `page`, all of them: callers that face a client always pass one.
   */
  listAlerts(status?: AlertStatus | 'active', page?: AlertPage): Promise<Alert[]>;
  transitionAlert(id: number, to: 'acknowledged' | 'resolved', at: Date): Promise<Alert | 'not-found' | 'conflict'>;
  /** Opens fleet.silent-agent alerts for devices silent past the grace; returns how many were opened. */
  checkSilence(now: Date, graceHours: number): Promise<number>;
  /** Deletes reports received before `before` and presence older than the co-location window. */
  prune(before: Date, presenceBefore: Date): Promise<number>;
  stats(): Promise<{ devicesByLevel: Record<string, number>; alertsByRuleStatus: { rule: string; status: string; count: number }[] }>;
  close(): Promise<void>;
  /** Forwarder outbox: up to `limit` due rows of one forwarder, leased (not due again) for `leaseMs`. */
  claimOutbox(forwarder: string, nowMs: number, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  /** Delivered, or dropped after the give-up age: the row is deleted. */
  removeOutbox(id: number): Promise<void>;
  /** A failed attempt: counted, due again at `nextAttemptMs`. */
  retryOutbox(id: number, nextAttemptMs: number, error: string): Promise<void>;
  /** Undelivered rows per forwarder (names no longer configured included). */
  outboxStats(): Promise<{ forwarder: string; pending: number; oldestMs: number }[]>;
  /** The source country/ASN of the device's latest report and the server's own findings on it; null when unknown. */
  deviceIntel(deviceId: string): Promise<DeviceIntel | null>;
  /**
   * Whether this replica runs the periodic jobs now (PostgreSQL: it holds the timers' advisory lock,
   * taken when free). Absent (SQLite, one process): always.
   */
  holdsTimers?(): Promise<boolean>;
}

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

export interface IngestItem {
  report: Report;
  /** The body as received (decompressed): stored as is, so unknown fields are kept. */
  body: string;
  sourceIp: string;
  sourceIsOffice: boolean;
  receivedAt: Date;
  /** Country and ASN of sourceIp (server/geo), absent without a database. */
  source?: SourceGeo | undefined;
  /** The server's verdict, nonce and clock skew of this report (server/lifecycle/storage-types.ts). */
  guard?: IngestGuard;
}

export type IngestOutcome = 'accepted' | 'duplicate';

export interface IngestPolicy {
  colocation: ColocationPolicy;
  /** Geo and fleet-intelligence rules; absent, they do not run. */
  intel?: IntelPolicy;
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

/** What the SOC dashboard reads besides the SOC API's methods (server/dashboard/). */
export interface DashboardStorage {
  /** Counts by level, a histogram of scores in tens (10 buckets, 90-100 in the last), the `limit` highest-scoring devices, and enrolled devices whose promised report was due before `overdueBefore` (oldest first, `limit`). */
  fleetOverview(overdueBefore: Date, limit: number): Promise<FleetOverview>;
  /** The device's latest report as it was received (findings, identity, snapshot if sent), or null. */
  latestReport(deviceId: string): Promise<Record<string, unknown> | null>;
  /** Enrolled hostnames of these device ids (unknown ids are absent). */
  hostnamesOf(deviceIds: readonly string[]): Promise<Map<string, string>>;
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
