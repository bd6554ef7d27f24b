import { createHash } from 'node:crypto';
import type { Snapshot } from '../schema/snapshot/index.js';
import type { Evaluation } from '../rules/index.js';
import type { Report } from '../schema/report.js';
import type { Config } from './config.js';
import { hashEvidencePeers, identityOf } from './identity.js';
import { snapshotForReport } from './report-privacy.js';
import type { DevicePolicy } from '../schema/policy.js';
import { codeHash, codeHashProblem } from './code-hash.js';
import { newReportId } from './report-id.js';
import { applyPolicy } from './policy.js';
import { fitReport } from './report-budget.js';

type Health = Report['agent']['health'];

export interface BuildReportInput {
  snapshot: Snapshot;
  evaluation: Evaluation;
  config: Config;
  deviceId: string;
  fleetKey: string;
  agentVersion: string;
  health: Health;
  /** When the next report is due: the server tells a stretched interval from silence by it. */
  nextReportBy: Date;
  now?: Date;
  /** The server's policy this cycle ran under: its version is reported, its snapshot mode applies. */
  policy?: DevicePolicy | undefined;
}

/** A snapshot's collected-at in milliseconds, or now where it is no time (the id then carries the build time). */
const collectedAtMs = (collectedAt: string): number => {
  const ms = Date.parse(collectedAt);
  return Number.isFinite(ms) ? ms : Date.now();
};

/**
 * One report for the wire (`POST /api/v1/reports`, docs/api.md). `sentAt` is set again at each send. Place identifiers are HMACs,
 * in `identity` and inside the snapshot. A report over `report.maxBytes` is trimmed to fit, snapshot bulk first,
 * and marked `truncated`; only when the snapshot must go whole does `snapshotOmitted` say so.
 */
export function buildReport(input: BuildReportInput): Report {
  const now = (input.now ?? new Date()).toISOString();
  const { evaluation, config } = input;
  const report: Report = {
    // Stamped with the collection time, not the send: the server reads a repeated report's collected-at back from its
    // id instead of storing it again (server/db/heartbeat-key.ts).
    reportId: newReportId(collectedAtMs(input.snapshot.collectedAt)),
    deviceId: input.deviceId,
    agentVersion: input.agentVersion,
    collectedAt: input.snapshot.collectedAt,
    sentAt: now,
    nextReportBy: input.nextReportBy.toISOString(),
    score: evaluation.score,
    level: evaluation.level,
    // Remote peers' ids and addresses leave only as keyed hashes, in findings as in the snapshot.
    findings: evaluation.findings.map((f) => ({ ...f, evidence: hashEvidencePeers(f.evidence, input.fleetKey) })),
    agent: {
      version: input.agentVersion,
      configHash: configHash(config),
      health: input.health,
      ...(codeHash() ? { codeHash: codeHash() } : codeHashProblem() ? { codeHashUnavailable: codeHashProblem()!.slice(0, 512) } : {}),
      ...(input.policy ? { policyVersion: input.policy.version } : {}),
    },
    identity: identityOf(input.snapshot, input.fleetKey),
  };
  const mode = applyPolicy(config, input.policy).report.snapshot;
  const privacy = { redactCommandLines: config.privacy.redactCommandLines, clearIdentifiers: input.policy?.clearIdentifiers === true };
  const full = mode === 'always' || (mode === 'on-findings' && evaluation.findings.some((f) => !f.suppressed))
    ? ({ ...report, snapshot: snapshotForReport(input.snapshot, evaluation.findings, input.fleetKey, privacy) } as Report)
    : report;
  // Never a report the server would refuse as too large: snapshot bulk is trimmed, and said so (agent/report-budget.ts).
  return fitReport(full, config.report.maxBytes);
}

/** sha256 of the effective config as canonical JSON (keys sorted), without the enrollment secret. */
export function configHash(config: Config): string {
  const { enrollSecret: _secret, ...rest } = config;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** now + interval × 1.1 (the most jitter can stretch it) + slack for one cycle's collection and one delivery. */
export function nextReportBy(now: Date, intervalMs: number, config: Config): Date {
  const slackMs = config.collectTimeoutMs + (config.server?.timeoutMs ?? 15_000);
  return new Date(now.getTime() + Math.round(intervalMs * 1.1) + slackMs);
}
