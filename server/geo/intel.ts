import {
  fingerprintKey,
  neighborDevices,
  rareTool,
  remoteToolsOf,
  rttVector,
  sharedFingerprint,
  similarRtts,
  type FingerprintMember,
} from '../../rules/fleet/index.js';
import { countryMismatch, countryZones, hostingAsns, hostingNetwork, impossibleTravel, timezoneMismatch, type SourceFacts } from '../../rules/geo/index.js';
import type { Finding } from '../../rules/types.js';
import { inList, listParam } from '../db/sql/dialect.js';
import { all, get, own, run, type Steps } from '../db/sql/steps.js';
import type { SqlDb } from '../db/sql/types.js';
import type { Report } from '../../schema/report.js';
import type { SourceGeo } from './open.js';
import type { IntelPolicy } from './policy.js';
import type { FleetMemo } from './fleet-memo.js';

/** What intelligence reads of one ingested report (the ingest's IngestItem is one; named here so geo/ stays below it). */
export interface IntelItem {
  report: Report;
  sourceIp: string;
  sourceIsOffice: boolean;
  receivedAt: Date;
  source?: SourceGeo | undefined;
}

/** Opens or updates the one active alert of (rule, key), in the ingest's transaction (each engine's alert writer). */
export type UpsertAlertStep = (rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => Steps<void>;

/** Intel's columns of the device row, written by the ingest's device update. */
export interface IntelColumns {
  country: string | null;
  asn: number | null;
  asOrg: string | null;
  findings: string | null;
  /** null: the travel columns keep their value. */
  travelCountry: string | null;
  atMs: number;
}

/** The device's last travel fix, when the caller already read the device row (SQLite's ingest does). */
export type TravelBefore = { travel_country: string | null; travel_ms: number | null };

/**
 * Geo and fleet intelligence on the hot path, inside the ingest transaction, once for both engines (steps run by
 * server/db/sql/steps.ts). Per report, for each rule a bounded number of indexed statements (tools of the report,
 * its own MACs, its neighbours, the devices behind its gateway+BSSID); no scan of history. Findings are stored on the
 * report (here) and the device (by the caller, from the returned columns), and each opens or updates one alert per
 * (device, rule).
 */
export function intelSteps(dialect: Pick<SqlDb, 'dialect'>, memo?: FleetMemo) {
  const zones = countryZones();
  const hosting = hostingAsns();
  // The counts a report's rules need, in one read (on PostgreSQL one round trip less per tool); those the memo knows
  // are not asked.
  const readCounts = `SELECT key, n FROM fleet_counts WHERE ${inList(dialect, 'key')}`;
  const counts = function* (keys: readonly string[], afterCommit: (() => void)[]): Steps<Map<string, number>> {
    const out = new Map<string, number>();
    const unknown: string[] = [];
    for (const key of keys) {
      const known = memo?.count(key);
      if (known === undefined) unknown.push(key);
      else out.set(key, known);
    }
    if (!unknown.length) return out;
    const rows = yield* all<{ key: string; n: number }>(readCounts, [listParam(dialect, unknown)], { batch: { reads: 'fleet_counts' } });
    const read = new Map(rows.map((r) => [r.key, Number(r.n)]));
    for (const key of unknown) {
      const n = read.get(key) ?? 0;
      memo?.countRead(key, n, afterCommit);
      out.set(key, n);
    }
    return out;
  };
  const bump = (key: string, afterCommit: (() => void)[]) => {
    memo?.bumped(key, afterCommit);
    return run('INSERT INTO fleet_counts (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = fleet_counts.n + 1', [key], { writes: 'fleet_counts' });
  };
  /** Inserts an insert-only row (DO NOTHING when there); true when it went in. A row the memo knows is not asked again. */
  function* insertOnce(key: string, sql: string, params: unknown[], batchKey: string[], afterCommit: (() => void)[]): Steps<boolean> {
    if (memo?.hasRow(key)) return false;
    const changes = (yield* run(sql, params, { batch: { key: batchKey } })).changes;
    memo?.rowStored(key, afterCommit);
    return changes > 0;
  }

  function* fleetFindings(item: IntelItem, policy: IntelPolicy, atMs: number, afterCommit: (() => void)[]): Steps<{ finding: Finding; deviceIds: string[] }[]> {
    const { report } = item;
    const out: { finding: Finding; deviceIds: string[] }[] = [];
    if (yield* insertOnce(`member\u0000${report.deviceId}`, 'INSERT INTO fleet_members (device_id) VALUES (?) ON CONFLICT DO NOTHING', [report.deviceId], ['device_id'], afterCommit)) yield* bump('devices', afterCommit);
    const tools = remoteToolsOf(report.findings).slice(0, 50);
    for (const tool of tools) {
      if (yield* insertOnce(`tool\u0000${tool}\u0000${report.deviceId}`, 'INSERT INTO tool_devices (tool, device_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [tool, report.deviceId], ['tool', 'device_id'], afterCommit)) yield* bump(`tool:${tool}`, afterCommit);
    }
    // Read once every count is moved: each key is this report's own to move (the fleet's by its membership, a tool's by
    // its row), so each reads as it would right after its own move.
    const n = yield* counts(['devices', ...tools.map((t) => `tool:${t}`)], afterCommit);
    const fleet = n.get('devices') ?? 0;
    for (const tool of tools) {
      const finding = rareTool(tool, n.get(`tool:${tool}`) ?? 0, fleet, policy.rareTool);
      if (finding) out.push({ finding, deviceIds: [report.deviceId] });
    }
    const identity = report.identity as typeof report.identity & { selfMacs?: string[] };
    for (const mac of new Set((identity.selfMacs ?? []).slice(0, 64))) {
      yield* run(
        'INSERT INTO device_macs (mac, device_id) VALUES (?, ?) ON CONFLICT (mac) DO UPDATE SET device_id = excluded.device_id WHERE device_macs.device_id <> excluded.device_id',
        [mac, report.deviceId],
      );
    }
    // An office LAN is full of colleagues' laptops: neighbours there are no evidence.
    if (!item.sourceIsOffice && identity.neighborMacs?.length) {
      const found = yield* all<{ mac: string; device_id: string }>(`SELECT mac, device_id FROM device_macs WHERE ${inList(dialect, 'mac')}`, [listParam(dialect, identity.neighborMacs)]);
      const hit = neighborDevices(report.deviceId, identity.neighborMacs, new Map(found.map((r) => [r.mac, r.device_id])), {
        known: policy.fingerprint.known, gatewayMac: identity.gatewayMac, wifiBssid: identity.wifiBssid,
      });
      if (hit) out.push(hit);
    }
    const place = fingerprintKey(identity.gatewayMac, identity.wifiBssid, policy.fingerprint.known);
    const rtts = rttVector((report.snapshot as { network?: { probes?: unknown } } | undefined)?.network?.probes);
    if (place && Object.keys(rtts).length) {
      const windowStart = atMs - policy.windowHours * 3_600_000;
      const mine = yield* get<{ rtts: string }>('SELECT rtts FROM fingerprints WHERE place = ? AND device_id = ? AND last_seen_ms >= ?', [place, report.deviceId, windowStart]);
      if (mine && similarRtts(JSON.parse(mine.rtts) as Record<string, number>, rtts, policy.fingerprint)) {
        yield* run('UPDATE fingerprints SET last_seen_ms = ? WHERE place = ? AND device_id = ?', [atMs, place, report.deviceId]);
      } else {
        yield* run(
          'INSERT INTO fingerprints (place, device_id, rtts, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT (place, device_id) DO UPDATE SET rtts = excluded.rtts, last_seen_ms = excluded.last_seen_ms',
          [place, report.deviceId, JSON.stringify(rtts), atMs],
        );
      }
      const others: FingerprintMember[] = (yield* all<{ device_id: string; rtts: string }>('SELECT device_id, rtts FROM fingerprints WHERE place = ? AND last_seen_ms >= ? LIMIT 200', [place, windowStart])).map(
        (r) => ({ deviceId: r.device_id, rtts: JSON.parse(r.rtts) as Record<string, number> }),
      );
      const hit = sharedFingerprint({ deviceId: report.deviceId, rtts }, others, policy.fingerprint);
      if (hit) out.push(hit);
    }
    return out;
  }

  /**
   * `row`: how the caller names the report's row (SQLite's ingest knows its rowid, one lookup less than the key);
   * `before`: the device's travel fix when the caller already read the device row; `afterCommit`: what to run once the
   * transaction committed (the memo learns there).
   */
  return function* intel(
    item: IntelItem, policy: IntelPolicy, at: string, upsertAlert: UpsertAlertStep, row?: { rowid: number | bigint }, before?: TravelBefore, afterCommit: (() => void)[] = [],
  ): Steps<IntelColumns> {
    const { report } = item;
    const atMs = item.receivedAt.getTime();
    const geo = item.source ?? {};
    const facts: SourceFacts = { country: geo.country, asn: geo.asn, asOrg: geo.asOrg, sourceIp: item.sourceIp, skipped: item.sourceIsOffice };
    const results: { finding: Finding; deviceIds: string[] }[] = [];
    let travelCountry: string | null = null;
    if (policy.geo && !facts.skipped) {
      const prev = before ?? (yield* get<TravelBefore>('SELECT travel_country, travel_ms FROM devices WHERE device_id = ?', [report.deviceId]));
      const previous = prev?.travel_country && prev.travel_ms !== null ? { country: prev.travel_country, atMs: Number(prev.travel_ms) } : null;
      const geoFindings = [
        countryMismatch(facts, policy.expectedCountries),
        hostingNetwork(facts, hosting, policy.hostingAsns),
        timezoneMismatch(facts, report.identity.timezone, zones),
        impossibleTravel(previous, facts, atMs, policy.travel, zones),
      ];
      for (const f of geoFindings) if (f) results.push({ finding: f, deviceIds: [report.deviceId] });
      travelCountry = facts.country ?? null;
    }
    results.push(...(yield* fleetFindings(item, policy, atMs, afterCommit)));

    const findings = results.map((r) => r.finding);
    const json = findings.length ? JSON.stringify(findings) : null;
    if (json) yield* (row ? run('UPDATE reports SET server_findings = ? WHERE rowid = ?', [json, row.rowid]) : run('UPDATE reports SET server_findings = ? WHERE report_id = ?', [json, report.reportId], own));
    const source = { ip: item.sourceIp, country: geo.country ?? null, asn: geo.asn ?? null, asOrg: geo.asOrg ?? null };
    for (const { finding, deviceIds } of results) {
      const others = deviceIds.length > 1 ? ` with ${deviceIds.filter((d) => d !== report.deviceId).join(', ')}` : '';
      const summary = `${report.deviceId}: ${finding.title}${finding.subject ? ` (${finding.subject})` : ''}${others}`;
      yield* upsertAlert(finding.rule, `device:${report.deviceId}`, finding.severity, deviceIds, summary, { ...finding.evidence, confidence: finding.confidence, source, reportId: report.reportId }, at);
    }
    return { country: geo.country ?? null, asn: geo.asn ?? null, asOrg: geo.asOrg ?? null, findings: json, travelCountry, atMs };
  };
}
