import { clusterKey, clusterToJoin, colocationRule, decideCluster, joinCluster, membersChanged, placesOf, silentAgentRule } from '../../rules/fleet/index.js';
import { boundDeviceAlerts, deviceAlertDrafts, deviceAlertRules } from '../device-alerts.js';
import { outboxSteps } from '../forwarders/outbox.js';
import { intelSteps, type IntelColumns } from '../geo/intel.js';
import { fleetMemo } from '../geo/fleet-memo.js';
import { byteOrder, forUpdate, larger } from '../db/sql/dialect.js';
import { all, get, lock, own, run, runEach, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from './item.js';
import { clockSkewRecord } from './clock-skew-record.js';
import { refusedSignature } from '../verdict/clock-skew.js';
import { guardRecord, type DeviceBefore, type IntegrityColumns } from './verdict-record.js';
import { timesOf } from '../verdict/report-times.js';
import { activeColumns, upsertAlertSteps, updateAlert, type ActiveAlert, type ChangedStep } from './alerts.js';
import { recentPresence } from './presence.js';
import { reportRow } from './report-row.js';
import { heartbeatKey } from '../db/heartbeat-key.js';
import { recordVerdict, verdictWriter } from '../cases/verdict-log.js';

export interface IngestStepsOptions {
  /** Forwarders whose outbox rows are written in the ingest's transaction. */
  forwarders: readonly string[];
  /**
   * The database is this process's alone (SQLite: one server per file), so intel's fleet counts it knows need not be
   * asked again (../geo/fleet-memo.ts). Never with replicas.
   */
  ownsDatabase: boolean;
}

/**
 * The report ingest, once for both engines, as SQL steps (server/db/sql/steps.ts): SQLite runs a batch
 * synchronously inside one `db.transaction` (server/storage/sqlite-ingest.ts), PostgreSQL asynchronously inside one
 * transaction holding every device's advisory lock (server/storage/pg-ingest.ts). Per report a fixed number of
 * indexed statements: fleet rules cost O(1) per report through the presence table, and the member list of a place is
 * read only when a device arrives at (or returns to) that place. Replicas are kept apart by advisory locks (no-ops on
 * SQLite's single writer): a place when a device arrives at it (so one cluster is one alert), and one lock for joining
 * a cluster of another place.
 */
const findingRules: ReadonlySet<string> = new Set(deviceAlertRules);

export function ingestSteps(dialect: Pick<SqlDb, 'dialect'>, options: IngestStepsOptions) {
  const outbox = outboxSteps(dialect, options.forwarders);
  const changed: ChangedStep = function* (alertId, kind, before) {
    if (outbox) yield* outbox(alertId, kind, before);
  };
  const upsertAlert = upsertAlertSteps(dialect, changed);
  const observeSkew = clockSkewRecord(dialect, upsertAlert, changed);
  const judge = guardRecord(upsertAlert, observeSkew);
  const intel = intelSteps(dialect, fleetMemo({ counts: options.ownsDatabase }));
  // A presence row this process committed a moment ago need not be written again, on either engine (./presence.ts).
  const presence = recentPresence();
  const verdicts = verdictWriter(dialect.dialect);

  const sql = {
    // The server's score and the source's country and ASN are known before the transaction: written with the row, so
    // that the row (body included) is written once, not updated twice more.
    // The body columns come from ./report-row.ts: compressed, or no row here at all for a heartbeat (insertHeartbeat).
    insertReport: `INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body, body_z, server_score, server_level, source_country, source_asn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (report_id) DO NOTHING`,
    // A heartbeat: its id, the device's full row it repeats, its times; the rest is the full row's (server/db/report-body.ts).
    insertHeartbeat: 'INSERT INTO heartbeats (id, base, received_ms, collected_ms) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    // One read and one write of the device row per report: what the verdict (integrity) and intel (source, travel)
    // modules need of it is read here, and their columns are written with the ingest's own.
    // Read before the insert: the facts hash of the device's last full row decides whether this one is a heartbeat.
    // It also tells whether the report id is stored already, in either table (a report is a full row or a heartbeat,
    // each table's key alone cannot tell a resent report: it may be judged the other kind the second time).
    deviceBefore: `SELECT last_collected_at, config_hash, code_hash, policy_version, integrity_agent_version, travel_country, travel_ms, clock_skew_s, facts_hash, facts_report_id,
        (SELECT r.id FROM reports r WHERE r.report_id = devices.facts_report_id) AS facts_base,
        (SELECT 1 FROM reports r WHERE r.report_id = ?) AS seen_full, (SELECT 1 FROM heartbeats h WHERE h.id = ?) AS seen_heartbeat
      FROM devices WHERE device_id = ?`,
    // last_seen always moves; score, level and the latest report only follow a newer collection (spooled reports
    // arrive late), judged on the server's clock (`newest`, server/verdict/report-times.ts), never by the stated time.
    // Findings are read from that report's stored body when asked for: the device row stays small.
    updateDevice: `
      UPDATE devices SET
        last_seen = ?, last_source_ip = ?,
        next_report_by = CASE WHEN ? = 1 THEN ? ELSE next_report_by END,
        next_report_ms = CASE WHEN ? = 1 THEN CAST(? AS BIGINT) ELSE next_report_ms END,
        score = CASE WHEN ? = 1 THEN CAST(? AS INTEGER) ELSE score END,
        level = CASE WHEN ? = 1 THEN ? ELSE level END,
        latest_report_id = CASE WHEN ? = 1 THEN ? ELSE latest_report_id END,
        agent_version = ?,
        last_collected_at = CASE WHEN ? = 1 THEN ? ELSE last_collected_at END,
        clock_skew_s = ?,
        server_score = CASE WHEN ? = 1 THEN CAST(? AS INTEGER) ELSE server_score END,
        server_level = CASE WHEN ? = 1 THEN ? ELSE server_level END,
        config_hash = CASE WHEN ? = 1 THEN ? ELSE config_hash END,
        code_hash = CASE WHEN ? = 1 THEN coalesce(?, code_hash) ELSE code_hash END,
        policy_version = CASE WHEN ? = 1 THEN CAST(? AS INTEGER) ELSE policy_version END,
        integrity_agent_version = CASE WHEN ? = 1 THEN ? ELSE integrity_agent_version END,
        signed = CASE WHEN ? = 1 THEN CAST(? AS INTEGER) ELSE signed END,
        source_country = CASE WHEN ? = 1 THEN ? ELSE source_country END,
        source_asn = CASE WHEN ? = 1 THEN CAST(? AS BIGINT) ELSE source_asn END,
        source_as_org = CASE WHEN ? = 1 THEN ? ELSE source_as_org END,
        server_findings = CASE WHEN ? = 1 THEN ? ELSE server_findings END,
        travel_country = CASE WHEN ? = 1 THEN coalesce(?, travel_country) ELSE travel_country END,
        travel_ms = CASE WHEN ? = 1 AND CAST(? AS TEXT) IS NOT NULL THEN CAST(? AS BIGINT) ELSE travel_ms END,
        facts_hash = CASE WHEN ? = 1 THEN ? ELSE facts_hash END,
        facts_report_id = CASE WHEN ? = 1 THEN ? ELSE facts_report_id END
      WHERE device_id = ?`,
    // Steady state: one statement per place (all of a report's places in one round trip on PostgreSQL). It changes a row
    // only when the device was already there within the window.
    touchPresence: `UPDATE presence SET last_seen_ms = ${larger(dialect, 'last_seen_ms', 'CAST(? AS BIGINT)')} WHERE kind = ? AND place = ? AND device_id = ? AND last_seen_ms >= ?`,
    upsertPresence: `INSERT INTO presence (kind, place, device_id, last_seen_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, place, device_id) DO UPDATE SET last_seen_ms = ${larger(dialect, 'presence.last_seen_ms', 'excluded.last_seen_ms')}`,
    membersOf: `SELECT device_id FROM presence WHERE kind = ? AND place = ? AND last_seen_ms >= ? ORDER BY ${byteOrder(dialect, 'device_id')}`,
    activeCluster: `SELECT id, device_ids FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'${forUpdate(dialect)}`,
    // Open clusters are few (each is a farm): read only when a place first reaches minDevices.
    openClusters: `SELECT id, device_ids, evidence FROM alerts WHERE rule = ? AND status <> 'resolved'${forUpdate(dialect)}`,
    // The device's open alerts by key (a handful of rows): the finding rules and a silence picked here, rather than a
    // probe of (rule, key) per endpoint rule and another for the silence.
    openDeviceAlerts: `SELECT rule, ${activeColumns} FROM alerts WHERE alert_key = ? AND status <> 'resolved'${forUpdate(dialect)}`,
    endSilence: "UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (reported again)' WHERE rule = ? AND alert_key = ? AND status <> 'resolved' RETURNING id",
  };

  function* colocate(item: IngestItem, policy: IngestPolicy, at: string, afterCommit: (() => void)[]): Steps<void> {
    const now = item.receivedAt.getTime();
    const windowMs = policy.colocation.windowHours * 3_600_000;
    const windowStart = now - windowMs;
    const { report } = item;
    const places = placesOf({ sourceIp: item.sourceIp, sourceIsOffice: item.sourceIsOffice, gatewayMac: report.identity.gatewayMac, wifiBssid: report.identity.wifiBssid, asn: item.source?.asn, known: policy.colocation.known })
      // Written here a moment ago: a member within the window, so the cluster cannot have grown; nothing to read or write.
      .filter((place) => !presence.fresh(place.kind, place.value, report.deviceId, now, windowMs));
    // Every place's row touched at once (each its own row: the order does not matter; on PostgreSQL one round trip).
    const touched = yield* runEach(sql.touchPresence, places.map((place) => [now, place.kind, place.value, report.deviceId, windowStart]), own);
    // Remembered once committed: a rolled-back batch leaves nothing to skip.
    if (places.length) afterCommit.push(() => { for (const place of places) presence.wrote(place.kind, place.value, report.deviceId, now); });
    for (const [i, place] of places.entries()) {
      // Already a member within the window: the cluster cannot have grown, nothing else to read.
      if (touched[i]!.changes) continue;
      // A device arrives at a place: from here to commit, no other replica changes this place's members or alert.
      yield* lock(`place:${place.kind}:${place.value}`);
      yield* run(sql.upsertPresence, [place.kind, place.value, report.deviceId, now]);
      const members = (yield* all<{ device_id: string }>(sql.membersOf, [place.kind, place.value, windowStart])).map((r) => r.device_id);
      if (members.length < policy.colocation.minDevices) continue;
      const key = clusterKey(place);
      const active = yield* get<{ id: number; device_ids: string }>(sql.activeCluster, [colocationRule.id, key]);
      const previous = active ? (JSON.parse(active.device_ids) as string[]) : [];
      const decision = decideCluster(place, members, policy.colocation, previous);
      if (!decision || (active && !membersChanged(previous, decision.deviceIds))) continue;
      if (!active) {
        // Joining another place's cluster reads every open cluster: one replica at a time.
        yield* lock('colocation:clusters');
        const open = (yield* all<{ id: number; device_ids: string; evidence: string }>(sql.openClusters, [colocationRule.id])).map((r) => ({
          id: Number(r.id),
          deviceIds: JSON.parse(r.device_ids) as string[],
          evidence: JSON.parse(r.evidence) as Record<string, unknown>,
        }));
        const cluster = clusterToJoin(members, open, policy.colocation);
        if (cluster) {
          const joined = joinCluster(cluster, place, decision);
          yield* updateAlert(joined.severity, joined.deviceIds, joined.summary, joined.evidence, at, cluster.id);
          yield* changed(cluster.id, 'update');
          continue;
        }
      }
      yield* upsertAlert(colocationRule.id, key, decision.severity, decision.deviceIds, decision.summary, decision.evidence, at);
    }
  }

  /** One report. `afterCommit`: what to tell once the transaction has committed (a rolled-back batch counts nothing). */
  function* one(item: IngestItem, policy: IngestPolicy, afterCommit: (() => void)[]): Steps<IngestOutcome> {
    const { report } = item;
    const at = item.receivedAt.toISOString();
    const verdict = item.guard?.verdict;
    // An id stored as a heartbeat is looked up as one whatever its letter case (heartbeats keep lower-case ids).
    const before = yield* get<DeviceBefore & Seen>(sql.deviceBefore, [report.reportId, heartbeatKey(dialect, report.reportId.toLowerCase()) ?? null, report.deviceId], own);
    if (before && (before.seen_full != null || before.seen_heartbeat != null)) return 'duplicate';
    const stored = reportRow(dialect, item, before);
    const beat = stored.heartbeat;
    const inserted = beat
      ? yield* run(sql.insertHeartbeat, [beat.key, beat.base, item.receivedAt.getTime(), beat.collectedMs], { batch: { key: ['id'] } })
      : yield* run(sql.insertReport, [
          report.reportId, report.deviceId, report.collectedAt, item.receivedAt.getTime(), report.score, report.level, item.sourceIp, stored.body, stored.bodyZ,
          verdict?.score ?? null, verdict?.level ?? null, item.source?.country ?? null, item.source?.asn ?? null,
        ], { batch: { key: ['report_id'] } });
    if (inserted.changes === 0) return 'duplicate';
    const times = timesOf(item, before?.last_collected_at ?? null);
    const { judged, integrity } = yield* judge(item, at, before, times);
    yield* colocate(item, policy, at, afterCommit);
    // A heartbeat has no reports row: intel's per-report findings go to the device row and the verdict log only.
    const row = beat || inserted.rowid === undefined ? undefined : { rowid: inserted.rowid };
    const intelColumns = policy.intel ? yield* intel(item, policy.intel, at, upsertAlert, row, before, afterCommit) : null;
    // Flags as 1/0, not booleans: the same on both engines, and bound as given on SQLite's hot path.
    const n = times.newest ? 1 : 0;
    const c = integrity;
    const g = intelColumns;
    yield* run(sql.updateDevice, [
      at, item.sourceIp,
      n, times.nextReportBy,
      n, times.nextReportMs,
      n, report.score,
      n, report.level,
      n, report.reportId,
      report.agentVersion,
      n, times.collectedAt,
      times.skewS,
      ...integrityParams(c),
      ...intelParams(g),
      // A full row becomes what the device's next reports are compared with; a heartbeat leaves it.
      stored.factsHash ? 1 : 0, stored.factsHash,
      stored.factsHash ? 1 : 0, report.reportId,
      report.deviceId,
    ], own);
    // The device's open alerts, one probe: the per-device cap and the active rows its finding alerts update, and
    // whether a silence is open (on PostgreSQL the device's advisory lock keeps replicas apart).
    const key = `device:${report.deviceId}`;
    const open = new Map<string, ActiveAlert>();
    let silent = false;
    for (const r of yield* all<ActiveAlert & { rule: string }>(sql.openDeviceAlerts, [key], own)) {
      if (findingRules.has(r.rule)) open.set(r.rule, r);
      if (r.rule === silentAgentRule.id) silent = true;
    }
    const drafts = deviceAlertDrafts(judged);
    if (drafts.length) {
      const { write, withheld } = boundDeviceAlerts(drafts, new Set(open.keys()), item.guard?.maxOpenAlertsPerDevice);
      for (const d of write) yield* upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at, open.get(d.rule) ?? null);
      if (withheld.length) afterCommit.push(() => item.guard?.onAlertsWithheld?.(withheld.length));
    }
    // A report ends a silence.
    if (silent) for (const { id } of yield* all<{ id: number }>(sql.endSilence, [at, silentAgentRule.id, key], own)) yield* changed(Number(id), 'update');
    // The server's verdict beside the agent's (breakdown, blind spots, case timelines), in the report's own transaction.
    yield* recordVerdict(report, verdict, item.receivedAt, item.sourceIp, verdicts, afterCommit);
    return 'accepted';
  }

  return {
    /** One report, for a driver that runs the reports of a batch side by side (PostgreSQL's, server/db/sql/lockstep.ts). */
    one,
    /** A batch in the caller's one transaction (on PostgreSQL holding every device's advisory lock). */
    *batch(items: readonly IngestItem[], policy: IngestPolicy, afterCommit: (() => void)[]): Steps<IngestOutcome[]> {
      const outcomes: IngestOutcome[] = [];
      for (const item of items) outcomes.push(yield* one(item, policy, afterCommit));
      return outcomes;
    },
    /** A report refused for clock skew (server/lifecycle/guard.ts): the device's standing and agent.clock-skew at once. */
    *skewRefused(deviceId: string, skewS: number, at: Date): Steps<void> {
      yield* lock(`device:${deviceId}`);
      const previous = yield* get<{ clock_skew_s: number | null }>('SELECT clock_skew_s FROM devices WHERE device_id = ?', [deviceId]);
      yield* run('UPDATE devices SET clock_skew_s = ? WHERE device_id = ?', [skewS, deviceId]);
      yield* observeSkew(refusedSignature(deviceId, skewS, at), previous?.clock_skew_s ?? null);
    },
  };
}

/** Whether the report id is stored already (./steps.ts deviceBefore). */
interface Seen {
  seen_full: number | null;
  seen_heartbeat: number | null;
}

/** The device update's parameters for the verdict's columns; null (not the newest report) leaves them as they are. */
function integrityParams(c: IntegrityColumns | null): unknown[] {
  const on = c !== null ? 1 : 0;
  return [on, c?.serverScore ?? null, on, c?.serverLevel ?? null, on, c?.configHash ?? null, on, c?.codeHash ?? null, on, c?.policyVersion ?? null, on, c?.integrityAgentVersion ?? null, on, c?.signed ?? 0];
}

/** The device update's parameters for intel's columns; null (intel off) leaves them as they are. */
function intelParams(c: IntelColumns | null): unknown[] {
  const on = c !== null ? 1 : 0;
  return [on, c?.country ?? null, on, c?.asn ?? null, on, c?.asOrg ?? null, on, c?.findings ?? null, on, c?.travelCountry ?? null, on, c?.travelCountry ?? null, c?.atMs ?? 0];
}
