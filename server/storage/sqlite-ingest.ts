import type Database from 'better-sqlite3';
import { clusterKey, clusterToJoin, colocationRule, decideCluster, joinCluster, membersChanged, placesOf, silentAgentRule } from '../../rules/fleet/index.js';
import { boundDeviceAlerts, deviceAlertDrafts, deviceAlertRules } from '../device-alerts.js';
import { intelSteps, type IntelColumns, type UpsertAlertStep } from '../geo/intel.js';
import { call, syncDriver } from './sql/steps.js';
import { prepareGuardRecord, type DeviceBefore, type IntegrityColumns } from '../verdict/sqlite-record.js';
import { refusedSignature } from '../verdict/clock-skew.js';
import { timesOf } from '../verdict/report-times.js';
import { prepareClockSkewRecord } from '../verdict/sqlite-clock-skew.js';
import type { AlertChanged } from '../forwarders/outbox.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from './types.js';
import { alertUnchanged } from './rows.js';

/**
 * The hot path. One transaction per batch; per report a fixed number of indexed statements: fleet rules
 * cost O(1) per report through the presence table, and the member list of a place is read only when a
 * device arrives at (or returns to) that place.
 */
interface AlertRow {
  id: number;
  device_ids: string;
  evidence: string;
}

/** `changed` writes forwarder outbox rows in this same transaction (server/forwarders/sqlite-outbox.ts). */
export function prepareIngest(db: Database.Database, changed: AlertChanged = () => {}) {
  const s = {
    // The server's score and the source's country and ASN are known before the transaction: written with the row, so
    // that the row (body included) is written once, not updated twice more.
    insertReport: db.prepare(
      `INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body, server_score, server_level, source_country, source_asn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(report_id) DO NOTHING`,
    ),
    // last_seen always moves; score, level and the latest report only follow a newer collection (spooled reports
    // arrive late), judged on the server's clock (@newest, server/verdict/report-times.ts), never by the stated time. Findings are read from that report's stored body when asked for: the device row stays small.
    // One read and one write of the device row per report: what the verdict (integrity) and intel (source, travel)
    // modules need of it is read here, and their columns are written with the ingest's own.
    deviceBefore: db.prepare(
      'SELECT last_collected_at, config_hash, code_hash, policy_version, integrity_agent_version, travel_country, travel_ms, clock_skew_s FROM devices WHERE device_id = ?',
    ),
    updateDevice: db.prepare(`
      UPDATE devices SET
        last_seen = @receivedAt, last_source_ip = @ip,
        next_report_by = CASE WHEN @newest THEN @nextReportBy ELSE next_report_by END,
        next_report_ms = CASE WHEN @newest THEN @nextReportMs ELSE next_report_ms END,
        score = CASE WHEN @newest THEN @score ELSE score END,
        level = CASE WHEN @newest THEN @level ELSE level END,
        latest_report_id = CASE WHEN @newest THEN @reportId ELSE latest_report_id END,
        agent_version = @agentVersion,
        last_collected_at = CASE WHEN @newest THEN @collectedAt ELSE last_collected_at END,
        clock_skew_s = @skew,
        server_score = CASE WHEN @integrity THEN @serverScore ELSE server_score END,
        server_level = CASE WHEN @integrity THEN @serverLevel ELSE server_level END,
        config_hash = CASE WHEN @integrity THEN @configHash ELSE config_hash END,
        code_hash = CASE WHEN @integrity THEN coalesce(@codeHash, code_hash) ELSE code_hash END,
        policy_version = CASE WHEN @integrity THEN @policyVersion ELSE policy_version END,
        integrity_agent_version = CASE WHEN @integrity THEN @integrityAgentVersion ELSE integrity_agent_version END,
        signed = CASE WHEN @integrity THEN @signed ELSE signed END,
        source_country = CASE WHEN @intel THEN @country ELSE source_country END,
        source_asn = CASE WHEN @intel THEN @asn ELSE source_asn END,
        source_as_org = CASE WHEN @intel THEN @asOrg ELSE source_as_org END,
        server_findings = CASE WHEN @intel THEN @findings ELSE server_findings END,
        travel_country = CASE WHEN @intel THEN coalesce(@travelCountry, travel_country) ELSE travel_country END,
        travel_ms = CASE WHEN @intel AND @travelCountry IS NOT NULL THEN @atMs ELSE travel_ms END
      WHERE device_id = @deviceId`),
    // Steady state: one statement per place. It changes a row only when the device was already there within the window.
    touchPresence: db.prepare('UPDATE presence SET last_seen_ms = max(last_seen_ms, ?) WHERE kind = ? AND place = ? AND device_id = ? AND last_seen_ms >= ?'),
    upsertPresence: db.prepare(
      'INSERT INTO presence (kind, place, device_id, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT(kind, place, device_id) DO UPDATE SET last_seen_ms = max(last_seen_ms, excluded.last_seen_ms)',
    ),
    membersOf: db.prepare('SELECT device_id FROM presence WHERE kind = ? AND place = ? AND last_seen_ms >= ?').pluck(),
    // Not the evidence: it is rewritten, never read, here (a device alert's evidence is a few KB, read three times a report).
    activeAlert: db.prepare("SELECT id, device_ids, status, severity, summary FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'"),
    // The device's open finding alerts, for the per-device cap: one probe of the active-alert index per rule.
    openFindingAlerts: db
      .prepare(`SELECT rule FROM alerts WHERE rule IN (${deviceAlertRules.map(() => '?').join(', ')}) AND alert_key = ? AND status <> 'resolved'`)
      .pluck(),
    // Open clusters are few (each is a farm): read only when a place first reaches minDevices.
    openClusters: db.prepare("SELECT id, device_ids, evidence FROM alerts WHERE rule = ? AND status <> 'resolved'"),
    insertAlert: db.prepare(
      "INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?)",
    ),
    updateAlert: db.prepare('UPDATE alerts SET severity = ?, device_ids = ?, summary = ?, evidence = ?, updated_at = ? WHERE id = ?'),
    skewOf: db.prepare('SELECT clock_skew_s FROM devices WHERE device_id = ?').pluck(),
    setSkew: db.prepare('UPDATE devices SET clock_skew_s = ? WHERE device_id = ?'),
    endSilence: db.prepare(
      "UPDATE alerts SET status = 'resolved', updated_at = ?, summary = summary || ' (reported again)' WHERE rule = ? AND alert_key = ? AND status <> 'resolved' RETURNING id",
    ).pluck(),
  };

  function upsertAlert(rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string): void {
    const active = s.activeAlert.get(rule, key) as { id: number; device_ids: string; severity: string; summary: string } | undefined;
    if (active) {
      if (alertUnchanged(active, severity, summary, deviceIds)) return;
      s.updateAlert.run(severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at, active.id);
      changed(active.id, 'update', active);
    } else changed(Number(s.insertAlert.run(rule, key, severity, JSON.stringify(deviceIds), summary, JSON.stringify(evidence), at, at).lastInsertRowid), 'new');
  }

  const presence = recentPresence();

  function colocate(item: IngestItem, policy: IngestPolicy, at: string): void {
    const now = item.receivedAt.getTime();
    const windowMs = policy.colocation.windowHours * 3_600_000;
    const windowStart = now - windowMs;
    const { report } = item;
    for (const place of placesOf({ sourceIp: item.sourceIp, sourceIsOffice: item.sourceIsOffice, gatewayMac: report.identity.gatewayMac, wifiBssid: report.identity.wifiBssid, asn: item.source?.asn, known: policy.colocation.known })) {
      // Written here a moment ago: a member within the window, so the cluster cannot have grown; nothing to read or write.
      if (presence.fresh(place.kind, place.value, report.deviceId, now, windowMs)) continue;
      // Already a member within the window: the cluster cannot have grown, nothing else to read.
      const touched = s.touchPresence.run(now, place.kind, place.value, report.deviceId, windowStart).changes;
      presence.wrote(place.kind, place.value, report.deviceId, now);
      if (touched) continue;
      s.upsertPresence.run(place.kind, place.value, report.deviceId, now);
      const members = s.membersOf.all(place.kind, place.value, windowStart) as string[];
      if (members.length < policy.colocation.minDevices) continue;
      const key = clusterKey(place);
      const active = s.activeAlert.get(colocationRule.id, key) as Pick<AlertRow, 'id' | 'device_ids'> | undefined;
      const previous = active ? (JSON.parse(active.device_ids) as string[]) : [];
      const decision = decideCluster(place, members, policy.colocation, previous);
      if (!decision || (active && !membersChanged(previous, decision.deviceIds))) continue;
      if (!active) {
        const open = (s.openClusters.all(colocationRule.id) as AlertRow[]).map((r) => ({
          id: r.id,
          deviceIds: JSON.parse(r.device_ids) as string[],
          evidence: JSON.parse(r.evidence) as Record<string, unknown>,
        }));
        const cluster = clusterToJoin(members, open, policy.colocation);
        if (cluster) {
          const joined = joinCluster(cluster, place, decision);
          s.updateAlert.run(joined.severity, JSON.stringify(joined.deviceIds), joined.summary, JSON.stringify(joined.evidence), at, cluster.id);
          changed(cluster.id, 'update');
          continue;
        }
      }
      upsertAlert(colocationRule.id, key, decision.severity, decision.deviceIds, decision.summary, decision.evidence, at);
    }
  }

  // The server's verdict and the agent's integrity, recorded in this transaction (server/verdict/).
  const observeSkew = prepareClockSkewRecord(db, upsertAlert, changed);
  const judge = prepareGuardRecord(db, upsertAlert, observeSkew);

  // Source country/ASN, geo.* and fleet intelligence rules (server/geo/intel.ts, written once), run synchronously here.
  const intel = intelSteps({ dialect: 'sqlite' });
  const steps = syncDriver(db);
  const upsertStep: UpsertAlertStep = (...a) =>
    call(
      () => upsertAlert(...a),
      () => Promise.reject(new Error('the SQLite ingest runs its steps synchronously')),
    );

  // Counters are told once the transaction has committed: a rolled-back batch counts nothing.
  let afterCommit: (() => void)[] = [];

  const run = db.transaction((items: readonly IngestItem[], policy: IngestPolicy): IngestOutcome[] =>
    items.map((item) => {
      const { report } = item;
      const at = item.receivedAt.toISOString();
      const verdict = item.guard?.verdict;
      const inserted = s.insertReport.run(
        report.reportId, report.deviceId, report.collectedAt, item.receivedAt.getTime(), report.score, report.level, item.sourceIp, item.body,
        verdict?.score ?? null, verdict?.level ?? null, item.source?.country ?? null, item.source?.asn ?? null,
      );
      if (inserted.changes === 0) return 'duplicate';
      const before = s.deviceBefore.get(report.deviceId) as DeviceBefore | undefined;
      const times = timesOf(item, before?.last_collected_at ?? null);
      const { judged, integrity } = judge(item, at, before, times);
      colocate(item, policy, at);
      const intelColumns = policy.intel ? steps(intel(item, policy.intel, at, upsertStep, { rowid: inserted.lastInsertRowid }, before)) : null;
      s.updateDevice.run({
        deviceId: report.deviceId,
        receivedAt: at,
        ip: item.sourceIp,
        newest: times.newest ? 1 : 0,
        collectedAt: times.collectedAt,
        nextReportBy: times.nextReportBy,
        nextReportMs: times.nextReportMs,
        skew: times.skewS,
        score: report.score,
        level: report.level,
        reportId: report.reportId,
        agentVersion: report.agentVersion,
        ...withIntegrity(integrity),
        ...withIntel(intelColumns),
      });
      const drafts = deviceAlertDrafts(judged);
      if (drafts.length) {
        const key = `device:${report.deviceId}`;
        const open = new Set(s.openFindingAlerts.all(...deviceAlertRules, key) as string[]);
        const { write, withheld } = boundDeviceAlerts(drafts, open, item.guard?.maxOpenAlertsPerDevice);
        for (const d of write) upsertAlert(d.rule, key, d.severity, [report.deviceId], d.summary, d.evidence, at);
        if (withheld.length) afterCommit.push(() => item.guard?.onAlertsWithheld?.(withheld.length));
      }
      // A report ends a silence: an indexed no-op unless a silent-agent alert is active for this device.
      for (const id of s.endSilence.all(at, silentAgentRule.id, `device:${report.deviceId}`) as number[]) changed(id, 'update');
      return 'accepted';
    }),
  );

  const ingest = (items: readonly IngestItem[], policy: IngestPolicy): IngestOutcome[] => {
    afterCommit = [];
    const outcomes = run(items, policy);
    for (const told of afterCommit) told();
    return outcomes;
  };

  // A report refused for clock skew (server/lifecycle/guard.ts): the device's standing and agent.clock-skew at once.
  const skewRefused = db.transaction((deviceId: string, skewS: number, at: Date) => {
    const previous = s.skewOf.get(deviceId) as number | null | undefined;
    s.setSkew.run(skewS, deviceId);
    observeSkew(refusedSignature(deviceId, skewS, at), previous ?? null);
  });

  return Object.assign(ingest, { skewRefused });
}

/** Named parameters of the device update for the verdict's columns; `integrity` 0 leaves them as they are. */
function withIntegrity(c: IntegrityColumns | null) {
  return {
    integrity: c ? 1 : 0,
    serverScore: c?.serverScore ?? null,
    serverLevel: c?.serverLevel ?? null,
    configHash: c?.configHash ?? null,
    codeHash: c?.codeHash ?? null,
    policyVersion: c?.policyVersion ?? null,
    integrityAgentVersion: c?.integrityAgentVersion ?? null,
    signed: c?.signed ?? 0,
  };
}

/** Named parameters of the device update for intel's columns; `intel` 0 (intel off) leaves them as they are. */
function withIntel(c: IntelColumns | null) {
  return {
    intel: c ? 1 : 0,
    country: c?.country ?? null,
    asn: c?.asn ?? null,
    asOrg: c?.asOrg ?? null,
    findings: c?.findings ?? null,
    travelCountry: c?.travelCountry ?? null,
    atMs: c?.atMs ?? 0,
  };
}

/**
 * When this process last wrote each (place, device) presence row. A device reports every few minutes from the same
 * places: rewriting its row each time cost 3 UPDATEs per report and dirtied presence pages in every commit (~10% of
 * the ingest's CPU, measured per statement). A row written less than a tenth of the window ago (at most a minute) is
 * left alone: the stored time then lags by less than that, which only moves the end of a stale membership that much
 * earlier. SQLite is this process's alone (one server per file), so what it wrote is what the file holds.
 */
function recentPresence() {
  const writtenAt = new Map<string, number>();
  const maxLagMs = 60_000;
  let sweptAt = 0;
  const key = (kind: string, place: string, deviceId: string) => `${kind}\u0000${place}\u0000${deviceId}`;
  return {
    fresh(kind: string, place: string, deviceId: string, now: number, windowMs: number): boolean {
      const at = writtenAt.get(key(kind, place, deviceId));
      return at !== undefined && now - at >= 0 && now - at < Math.min(maxLagMs, windowMs / 10);
    },
    wrote(kind: string, place: string, deviceId: string, now: number): void {
      writtenAt.set(key(kind, place, deviceId), now);
      // Entries older than the longest lag say nothing any more: dropped once a lag, so memory follows the traffic.
      if (now - sweptAt >= maxLagMs) {
        for (const [k, at] of writtenAt) if (now - at >= maxLagMs) writtenAt.delete(k);
        sweptAt = now;
      }
    },
  };
}
