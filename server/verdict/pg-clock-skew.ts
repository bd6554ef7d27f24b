import type { AlertChangedPg, Db, UpsertAlertPg } from '../storage/pg-alerts.js';
import { one } from '../storage/pg-alerts.js';
import { decideClockSkew, touchesEpisode, type SkewObservation } from './clock-skew.js';
import { clockSkewRule } from './integrity.js';

/**
 * PostgreSQL side of agent.clock-skew (twin of ./sqlite-clock-skew.ts; the decision is ./clock-skew.ts). The caller
 * holds the device's advisory lock in its transaction.
 */
export function pgClockSkewRecord(upsertAlert: UpsertAlertPg, changed: AlertChangedPg) {
  return async (db: Db, obs: SkewObservation, previousSkewS: number | null): Promise<void> => {
    if (!touchesEpisode(obs, previousSkewS)) return;
    const key = `device:${obs.deviceId}`;
    const row = await one<{ id: number; severity: string; created_at: string }>(
      db,
      "SELECT id, severity, created_at FROM alerts WHERE rule = $1 AND alert_key = $2 AND status <> 'resolved' FOR UPDATE",
      [clockSkewRule.id, key],
    );
    const decision = decideClockSkew(row ? { since: row.created_at, severity: row.severity } : null, obs);
    if (decision.kind === 'upsert') await upsertAlert(db, clockSkewRule.id, key, decision.severity, [obs.deviceId], decision.summary, decision.evidence, obs.at);
    else if (decision.kind === 'end' && row) {
      await db.query("UPDATE alerts SET status = 'resolved', updated_at = $1, summary = summary || ' (in sync again)' WHERE id = $2", [obs.at, row.id]);
      await changed(db, row.id, 'update');
    }
  };
}
