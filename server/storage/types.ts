import type { LifecycleStorage } from '../lifecycle/storage-types.js';
import type { OutboxStorage } from '../forwarders/outbox-storage.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from '../ingest/item.js';
import type { SqlDb } from '../db/sql/types.js';
import type { Alert, AlertPage, AlertStatus, DeviceAuth, DeviceDetail, DeviceIntel, DeviceSummary, EnrollRecord, FleetOverview } from '../db/records.js';

/**
 * What the server needs from a database. Every method returns a Promise so that a networked engine
 * (PostgreSQL, for several stateless replicas) implements the same interface without touching callers.
 * Decisions (which alert to open) live in pure functions (rules/fleet, server/device-alerts.ts) that every
 * engine calls; an engine only stores and fetches.
 */
export interface Storage extends DashboardStorage, LifecycleStorage, OutboxStorage {
  /** The database under this storage, for domain modules written once for both engines (server/db/sql/). */
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
  /** The source country/ASN of the device's latest report and the server's own findings on it; null when unknown. */
  deviceIntel(deviceId: string): Promise<DeviceIntel | null>;
  /**
   * Whether this replica runs the periodic jobs now (PostgreSQL: it holds the timers' advisory lock,
   * taken when free). Absent (SQLite, one process): always.
   */
  holdsTimers?(): Promise<boolean>;
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

