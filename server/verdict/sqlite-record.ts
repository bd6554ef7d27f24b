import type Database from 'better-sqlite3';
import type { Report } from '../../schema/report.js';
import type { IngestItem } from '../storage/types.js';
import { integrityDrafts, scoreMismatchRule } from './integrity.js';

type UpsertAlert = (rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => void;

/**
 * Inside the ingest transaction, per accepted report: at most one read of the device row and two indexed writes
 * (plus the nonce insert of a signed report). Returns the report as the server judges it (its score, level and
 * findings), which the caller stores on the device and alerts on.
 */
export function prepareGuardRecord(db: Database.Database, upsertAlert: UpsertAlert) {
  const s = {
    previous: db.prepare('SELECT last_collected_at, config_hash, code_hash, policy_version, integrity_agent_version FROM devices WHERE device_id = ?'),
    integrity: db.prepare(`UPDATE devices SET server_score = @score, server_level = @level, config_hash = @configHash, code_hash = coalesce(@codeHash, code_hash),
      policy_version = @policyVersion, integrity_agent_version = @agentVersion, signed = @signed, clock_skew_s = coalesce(@skew, clock_skew_s) WHERE device_id = @deviceId`),
    serverScore: db.prepare('UPDATE reports SET server_score = ?, server_level = ? WHERE report_id = ?'),
    nonce: db.prepare('INSERT OR IGNORE INTO nonces (device_id, nonce, seen_ms) VALUES (?, ?, ?)'),
  };

  return (item: IngestItem, at: string): Report => {
    const { report, guard } = item;
    const key = `device:${report.deviceId}`;
    if (guard?.nonce) s.nonce.run(report.deviceId, guard.nonce, item.receivedAt.getTime());
    const verdict = guard?.verdict;
    if (verdict) s.serverScore.run(verdict.score, verdict.level, report.reportId);
    const prev = s.previous.get(report.deviceId) as Record<string, unknown> | undefined;
    // A spooled report arriving after a newer one says nothing about the device's present state.
    const newest = !prev || prev.last_collected_at === null || (prev.last_collected_at as string) <= report.collectedAt;
    if (newest) {
      const drafts = integrityDrafts(
        prev
          ? {
              configHash: (prev.config_hash as string | null) ?? null,
              codeHash: (prev.code_hash as string | null) ?? null,
              policyVersion: (prev.policy_version as number | null) ?? null,
              agentVersion: (prev.integrity_agent_version as string | null) ?? null,
            }
          : null,
        report,
      );
      for (const d of drafts) upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
      s.integrity.run({
        deviceId: report.deviceId,
        score: verdict?.score ?? report.score,
        level: verdict?.level ?? report.level,
        configHash: report.agent.configHash,
        codeHash: report.agent.codeHash ?? null,
        policyVersion: report.agent.policyVersion ?? null,
        agentVersion: report.agent.version,
        signed: guard?.signed ? 1 : 0,
        skew: guard?.clockSkewS ?? null,
      });
    }
    if (verdict?.mismatch) {
      upsertAlert(scoreMismatchRule.id, key, scoreMismatchRule.severity, [report.deviceId], `${report.deviceId}: ${verdict.mismatch.title}`, verdict.mismatch.evidence, at);
    }
    return verdict ? { ...report, score: verdict.score, level: verdict.level, findings: verdict.findings } : report;
  };
}
