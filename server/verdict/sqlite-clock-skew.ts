import type Database from 'better-sqlite3';
import type { AlertChanged } from '../forwarders/outbox.js';
import { decideClockSkew, touchesEpisode, type SkewObservation } from './clock-skew.js';
import { clockSkewRule } from './integrity.js';

type UpsertAlert = (rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => void;

/** SQLite side of agent.clock-skew (the decision is server/verdict/clock-skew.ts); runs inside the caller's transaction. */
export function prepareClockSkewRecord(db: Database.Database, upsertAlert: UpsertAlert, changed: AlertChanged) {
  const s = {
    episode: db.prepare("SELECT id, severity, created_at FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'"),
    end: db.prepare("UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (in sync again)' WHERE id = ?"),
  };
  return (obs: SkewObservation, previousSkewS: number | null): void => {
    if (!touchesEpisode(obs, previousSkewS)) return;
    const key = `device:${obs.deviceId}`;
    const row = s.episode.get(clockSkewRule.id, key) as { id: number; severity: string; created_at: string } | undefined;
    const decision = decideClockSkew(row ? { since: row.created_at, severity: row.severity } : null, obs);
    if (decision.kind === 'upsert') upsertAlert(clockSkewRule.id, key, decision.severity, [obs.deviceId], decision.summary, decision.evidence, obs.at);
    else if (decision.kind === 'end' && row) {
      s.end.run(obs.at, row.id);
      changed(row.id, 'update');
    }
  };
}
