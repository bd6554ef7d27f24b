import { forUpdate } from '../db/sql/dialect.js';
import { get, own, run, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import { decideClockSkew, touchesEpisode, type SkewObservation } from '../verdict/clock-skew.js';
import { clockSkewRule } from '../verdict/integrity.js';

/** Opens or updates the active alert of (rule, key), in the caller's transaction. */
export type UpsertAlertStep = (rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => Steps<void>;

/** Told when an alert changed, in the same transaction (the forwarder outbox). */
export type AlertChangedStep = (alertId: number, kind: 'new' | 'update') => Steps<void>;

/**
 * agent.clock-skew's storage, once for both engines as SQL steps (the decision is server/verdict/clock-skew.ts); runs inside the
 * caller's transaction, which on PostgreSQL holds the device's advisory lock.
 */
export function clockSkewRecord(dialect: Pick<SqlDb, 'dialect'>, upsertAlert: UpsertAlertStep, changed: AlertChangedStep) {
  const episode = `SELECT id, severity, created_at FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'${forUpdate(dialect)}`;
  return function* observeSkew(obs: SkewObservation, previousSkewS: number | null): Steps<void> {
    if (!touchesEpisode(obs, previousSkewS)) return;
    const key = `device:${obs.deviceId}`;
    const row = yield* get<{ id: number; severity: string; created_at: string }>(episode, [clockSkewRule.id, key], own);
    const decision = decideClockSkew(row ? { since: row.created_at, severity: row.severity } : null, obs);
    if (decision.kind === 'upsert') yield* upsertAlert(clockSkewRule.id, key, decision.severity, [obs.deviceId], decision.summary, decision.evidence, obs.at);
    else if (decision.kind === 'end' && row) {
      yield* run("UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (in sync again)' WHERE id = ?", [obs.at, row.id]);
      yield* changed(row.id, 'update');
    }
  };
}
