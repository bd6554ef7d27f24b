import type { Report } from '../../schema/report.js';
import type { IngestItem } from './item.js';
import { run, type Steps } from '../db/sql/steps.js';
import type { UpsertAlertStep } from './clock-skew-record.js';
import { reportObservation, type SkewObservation } from '../verdict/clock-skew.js';
import { integrityDrafts, refusedDrafts } from '../verdict/integrity.js';
import { verdictAlertDrafts } from '../verdict/verdict-alerts.js';
import type { ReportTimes } from '../verdict/report-times.js';

/** The device row as the ingest transaction reads it once per report (./steps.ts). */
export interface DeviceBefore {
  last_collected_at: string | null;
  config_hash: string | null;
  code_hash: string | null;
  policy_version: number | null;
  integrity_agent_version: string | null;
  travel_country: string | null;
  travel_ms: number | null;
  clock_skew_s: number | null;
  /** The device's last full report (./report-row.ts): a report with the same facts is stored as a heartbeat. */
  facts_hash: Uint8Array | null;
  facts_report_id: string | null;
  /** That row's `reports.id`, while it is there. */
  facts_base: number | string | null;
}

/** Integrity columns of the device row, written by the ingest's one device update; null when the report is not the newest. */
export interface IntegrityColumns {
  serverScore: number;
  serverLevel: string;
  configHash: string;
  codeHash: string | null;
  policyVersion: number | null;
  integrityAgentVersion: string;
  signed: 0 | 1;
}

/**
 * The server's verdict and the agent's integrity, once for both engines as SQL steps. Inside the ingest transaction, per accepted report: the nonce insert of a signed report and the alerts. It reads
 * no device column (the caller read the device row; agent.clock-skew reads its own alert only when the clock is off)
 * and writes none (it returns them for the caller's one update).
 * Returns the report as the server judges it (its score, level and findings), which the caller stores and alerts on.
 */
export function guardRecord(upsertAlert: UpsertAlertStep, observeSkew: (obs: SkewObservation, previousSkewS: number | null) => Steps<void>) {
  /** `times`: the report's times as the server judges them (server/verdict/report-times.ts), which decide whether it is the newest. */
  return function* judge(item: IngestItem, at: string, prev: DeviceBefore | undefined, times: ReportTimes): Steps<{ judged: Report; integrity: IntegrityColumns | null }> {
    const { report, guard } = item;
    const key = `device:${report.deviceId}`;
    if (guard?.nonce) yield* run('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [report.deviceId, guard.nonce, item.receivedAt.getTime()], { batch: { key: ['device_id', 'nonce'] } });
    const verdict = guard?.verdict;
    yield* observeSkew(reportObservation(report.deviceId, at, times), prev?.clock_skew_s ?? null);
    // A spooled report arriving after a newer one says nothing about the device's present state.
    const newest = times.newest;
    let integrity: IntegrityColumns | null = null;
    if (newest) {
      const drafts = integrityDrafts(
        prev
          ? { configHash: prev.config_hash, codeHash: prev.code_hash, policyVersion: prev.policy_version, agentVersion: prev.integrity_agent_version }
          : null,
        report,
      );
      for (const d of drafts) yield* upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
      integrity = {
        serverScore: verdict?.score ?? report.score,
        serverLevel: verdict?.level ?? report.level,
        configHash: report.agent.configHash,
        codeHash: report.agent.codeHash ?? null,
        policyVersion: report.agent.policyVersion ?? null,
        integrityAgentVersion: report.agent.version,
        signed: guard?.signed ? 1 : 0,
      };
    }
    for (const d of refusedDrafts(report)) yield* upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
    for (const d of verdictAlertDrafts(report, verdict)) yield* upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
    const judged = verdict ? { ...report, score: verdict.score, level: verdict.level, findings: verdict.findings } : report;
    return { judged, integrity };
  };
}
