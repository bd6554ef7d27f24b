import type pg from 'pg';
import { clusterKey, clusterToJoin, colocationRule, decideCluster, joinCluster, membersChanged, placesOf, silentAgentRule } from '../../rules/fleet/index.js';
import type { Report } from '../../schema/report.js';
import { boundDeviceAlerts, deviceAlertDrafts, deviceAlertRules } from '../device-alerts.js';
import { integrityDrafts, refusedDrafts } from '../verdict/integrity.js';
import { verdictAlertDrafts } from '../verdict/verdict-alerts.js';
import { refusedSignature, reportObservation } from '../verdict/clock-skew.js';
import { pgClockSkewRecord } from '../verdict/pg-clock-skew.js';
import { timesOf, type ReportTimes } from '../verdict/report-times.js';
import { intelSteps, type UpsertAlertStep } from '../geo/intel.js';
import { call, runSteps } from './sql/steps.js';
import { pgClientDb } from './sql/pg.js';
import { inTransaction, lockSql, one, rows, type AlertChangedPg, type Db, type Row, type UpsertAlertPg } from './pg-alerts.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from './types.js';

/** Errors where the whole batch is simply run again: a deadlock between replicas, or a lost race on a unique key. */
const retryable = new Set(['40P01', '40001', '23505']);

/**
 * The hot path on PostgreSQL, with SQLite's semantics (server/storage/sqlite-ingest.ts): one transaction per batch,
 * the report id unique (a duplicate from any replica is 'duplicate'), and the same pure decisions. Replicas are
 * kept apart by advisory transaction locks: every device of the batch first (sorted, so two batches never wait on
 * each other in a cycle), then a place when a device arrives at it (so one cluster is one alert), and one lock for
 * joining a cluster of another place. A rare cycle between places is a deadlock PostgreSQL breaks; the batch reruns.
 */
export function pgIngest(pool: pg.Pool, upsertAlert: UpsertAlertPg, changed: AlertChangedPg) {
  const intel = intelSteps({ dialect: 'postgres' });
  /** Geo and fleet intelligence (server/geo/intel.ts, written once) on this transaction's connection, then its columns. */
  async function runIntel(db: pg.PoolClient, item: IngestItem, policy: NonNullable<IngestPolicy['intel']>, at: string): Promise<void> {
    const upsertStep: UpsertAlertStep = (...a) =>
      call(
        () => {
          throw new Error('the PostgreSQL ingest runs its steps asynchronously');
        },
        () => upsertAlert(db, ...a),
      );
    const c = await runSteps(pgClientDb(db), intel(item, policy, at, upsertStep));
    const { report } = item;
    await db.query('UPDATE reports SET source_country = $1, source_asn = $2 WHERE report_id = $3', [c.country, c.asn, report.reportId]);
    await db.query(
      `UPDATE devices SET source_country = $2, source_asn = $3, source_as_org = $4, server_findings = $5,
        travel_country = coalesce($6, travel_country), travel_ms = CASE WHEN $6::text IS NULL THEN travel_ms ELSE $7::bigint END WHERE device_id = $1`,
      [report.deviceId, c.country, c.asn, c.asOrg, c.findings, c.travelCountry, c.atMs],
    );
  }
  const observeSkew = pgClockSkewRecord(upsertAlert, changed);

  /** `times`: the report's times as the server judges them (server/verdict/report-times.ts), which decide whether it is the newest. */
  async function judge(db: Db, item: IngestItem, at: string, prev: Row | undefined, times: ReportTimes): Promise<Report> {
    const { report, guard } = item;
    const key = `device:${report.deviceId}`;
    if (guard?.nonce) await db.query('INSERT INTO nonces (device_id, nonce, seen_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [report.deviceId, guard.nonce, item.receivedAt.getTime()]);
    const verdict = guard?.verdict;
    if (verdict) await db.query('UPDATE reports SET server_score = $1, server_level = $2 WHERE report_id = $3', [verdict.score, verdict.level, report.reportId]);
    await observeSkew(db, reportObservation(report.deviceId, at, times), (prev?.clock_skew_s as number | null | undefined) ?? null);
    if (times.newest) {
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
      for (const d of drafts) await upsertAlert(db, d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
      await db.query(
        `UPDATE devices SET server_score = $2, server_level = $3, config_hash = $4, code_hash = coalesce($5, code_hash), policy_version = $6,
         integrity_agent_version = $7, signed = $8 WHERE device_id = $1`,
        [report.deviceId, verdict?.score ?? report.score, verdict?.level ?? report.level, report.agent.configHash, report.agent.codeHash ?? null,
          report.agent.policyVersion ?? null, report.agent.version, guard?.signed ? 1 : 0],
      );
    }
    for (const d of refusedDrafts(report)) await upsertAlert(db, d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
    for (const d of verdictAlertDrafts(report, verdict)) await upsertAlert(db, d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
    return verdict ? { ...report, score: verdict.score, level: verdict.level, findings: verdict.findings } : report;
  }

  async function colocate(db: Db, item: IngestItem, policy: IngestPolicy, at: string): Promise<void> {
    const now = item.receivedAt.getTime();
    const windowStart = now - policy.colocation.windowHours * 3_600_000;
    const { report } = item;
    for (const place of placesOf({ sourceIp: item.sourceIp, sourceIsOffice: item.sourceIsOffice, gatewayMac: report.identity.gatewayMac, wifiBssid: report.identity.wifiBssid, asn: item.source?.asn, known: policy.colocation.known })) {
      const touched = await db.query('UPDATE presence SET last_seen_ms = greatest(last_seen_ms, $1) WHERE kind = $2 AND place = $3 AND device_id = $4 AND last_seen_ms >= $5', [
        now, place.kind, place.value, report.deviceId, windowStart,
      ]);
      if (touched.rowCount) continue;
      // A device arrives at a place: from here to commit, no other replica changes this place's members or alert.
      await db.query(lockSql, [`place:${place.kind}:${place.value}`]);
      await db.query(
        'INSERT INTO presence (kind, place, device_id, last_seen_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, place, device_id) DO UPDATE SET last_seen_ms = greatest(presence.last_seen_ms, excluded.last_seen_ms)',
        [place.kind, place.value, report.deviceId, now],
      );
      const members = (await rows<{ device_id: string }>(db, 'SELECT device_id FROM presence WHERE kind = $1 AND place = $2 AND last_seen_ms >= $3 ORDER BY device_id COLLATE "C"', [place.kind, place.value, windowStart])).map((r) => r.device_id);
      if (members.length < policy.colocation.minDevices) continue;
      const key = clusterKey(place);
      const active = await one(db, "SELECT id, device_ids, evidence FROM alerts WHERE rule = $1 AND alert_key = $2 AND status <> 'resolved' FOR UPDATE", [colocationRule.id, key]);
      const previous = active ? (JSON.parse(active.device_ids as string) as string[]) : [];
      const decision = decideCluster(place, members, policy.colocation, previous);
      if (!decision || (active && !membersChanged(previous, decision.deviceIds))) continue;
      if (!active) {
        // Joining another place's cluster reads every open cluster: one replica at a time.
        await db.query(lockSql, ['colocation:clusters']);
        const open = (await rows(db, "SELECT id, device_ids, evidence FROM alerts WHERE rule = $1 AND status <> 'resolved' FOR UPDATE", [colocationRule.id])).map((r) => ({
          id: r.id as number,
          deviceIds: JSON.parse(r.device_ids as string) as string[],
          evidence: JSON.parse(r.evidence as string) as Record<string, unknown>,
        }));
        const cluster = clusterToJoin(members, open, policy.colocation);
        if (cluster) {
          const joined = joinCluster(cluster, place, decision);
          await db.query('UPDATE alerts SET severity = $1, device_ids = $2, summary = $3, evidence = $4, updated_at = $5 WHERE id = $6', [
            joined.severity, JSON.stringify(joined.deviceIds), joined.summary, JSON.stringify(joined.evidence), at, cluster.id,
          ]);
          await changed(db, cluster.id, 'update');
          continue;
        }
      }
      await upsertAlert(db, colocationRule.id, key, decision.severity, decision.deviceIds, decision.summary, decision.evidence, at);
    }
  }

  async function one_(db: pg.PoolClient, item: IngestItem, policy: IngestPolicy, afterCommit: (() => void)[]): Promise<IngestOutcome> {
    const { report } = item;
    const at = item.receivedAt.toISOString();
    const inserted = await db.query(
      'INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (report_id) DO NOTHING',
      [report.reportId, report.deviceId, report.collectedAt, item.receivedAt.getTime(), report.score, report.level, item.sourceIp, item.body],
    );
    if (!inserted.rowCount) return 'duplicate';
    // One read of the device row: the ordering on the server's clock and the integrity reference both come from it.
    const prev = await one(db, 'SELECT last_collected_at, config_hash, code_hash, policy_version, integrity_agent_version, clock_skew_s FROM devices WHERE device_id = $1', [report.deviceId]);
    const times = timesOf(item, (prev?.last_collected_at as string | null | undefined) ?? null);
    const judged = await judge(db, item, at, prev, times);
    await db.query(
      `UPDATE devices SET last_seen = $2, last_source_ip = $3,
        next_report_by = CASE WHEN $11 THEN $5 ELSE next_report_by END,
        next_report_ms = CASE WHEN $11 THEN $6::bigint ELSE next_report_ms END,
        score = CASE WHEN $11 THEN $7::integer ELSE score END,
        level = CASE WHEN $11 THEN $8 ELSE level END,
        latest_report_id = CASE WHEN $11 THEN $9 ELSE latest_report_id END,
        agent_version = $10,
        last_collected_at = CASE WHEN $11 THEN $4 ELSE last_collected_at END,
        clock_skew_s = $12
       WHERE device_id = $1`,
      [report.deviceId, at, item.sourceIp, times.collectedAt, times.nextReportBy, times.nextReportMs, report.score, report.level, report.reportId, report.agentVersion, times.newest, times.skewS],
    );
    await colocate(db, item, policy, at);
    if (policy.intel) await runIntel(db, item, policy.intel, at);
    const drafts = deviceAlertDrafts(judged);
    if (drafts.length) {
      // The device's open finding alerts, for the per-device cap (the device's advisory lock keeps replicas apart).
      const key = `device:${report.deviceId}`;
      const open = await rows<{ rule: string }>(db, "SELECT rule FROM alerts WHERE rule = ANY($1::text[]) AND alert_key = $2 AND status <> 'resolved'", [deviceAlertRules, key]);
      const { write, withheld } = boundDeviceAlerts(drafts, new Set(open.map((r) => r.rule)), item.guard?.maxOpenAlertsPerDevice);
      for (const d of write) await upsertAlert(db, d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
      if (withheld.length) afterCommit.push(() => item.guard?.onAlertsWithheld?.(withheld.length));
    }
    const ended = await rows<{ id: number }>(
      db,
      "UPDATE alerts SET status = 'resolved', updated_at = $1, summary = summary || ' (reported again)' WHERE rule = $2 AND alert_key = $3 AND status <> 'resolved' RETURNING id",
      [at, silentAgentRule.id, `device:${report.deviceId}`],
    );
    for (const { id } of ended) await changed(db, id, 'update');
    return 'accepted';
  }

  // A report refused for clock skew (server/lifecycle/guard.ts): the device's standing and agent.clock-skew at once.
  async function skewRefused(deviceId: string, skewS: number, at: Date): Promise<void> {
    await inTransaction(pool, async (db) => {
      await db.query(lockSql, [`device:${deviceId}`]);
      const previous = await one<{ clock_skew_s: number | null }>(db, 'SELECT clock_skew_s FROM devices WHERE device_id = $1', [deviceId]);
      await db.query('UPDATE devices SET clock_skew_s = $1 WHERE device_id = $2', [skewS, deviceId]);
      await observeSkew(db, refusedSignature(deviceId, skewS, at), previous?.clock_skew_s ?? null);
    });
  }

  return Object.assign(async (items: readonly IngestItem[], policy: IngestPolicy): Promise<IngestOutcome[]> => {
    const devices = [...new Set(items.map((i) => `device:${i.report.deviceId}`))].sort();
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) k', [devices]);
        const outcomes: IngestOutcome[] = [];
        // Counters told only once the batch is committed: a batch run again must not count twice.
        const afterCommit: (() => void)[] = [];
        for (const item of items) outcomes.push(await one_(client, item, policy, afterCommit));
        await client.query('COMMIT');
        for (const told of afterCommit) told();
        return outcomes;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt >= 5 || !retryable.has((err as { code?: string }).code ?? '')) throw err;
      } finally {
        client.release();
      }
    }
  }, { skewRefused });
}
