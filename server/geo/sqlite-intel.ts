import type Database from 'better-sqlite3';
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
import type { IngestItem } from '../storage/types.js';
import type { DeviceBefore } from '../verdict/sqlite-record.js';
import type { IntelPolicy } from './policy.js';

type UpsertAlert = (rule: string, key: string, severity: string, deviceIds: string[], summary: string, evidence: unknown, at: string) => void;

/**
 * Geo and fleet intelligence on the hot path, inside the ingest transaction. Per report (the device row read and written by the caller), for each
 * rule a bounded number of indexed statements (tools of the report, its own MACs, its neighbours, the devices behind
 * its gateway+BSSID); no scan of history. Findings are stored on the report and the device, and each opens or
 * updates one alert per (device, rule).
 */
export function prepareIntel(db: Database.Database, upsertAlert: UpsertAlert) {
  const s = {
    // country and ASN went in with the row (sqlite-ingest.ts); only findings, when there are any, update it
    updateReport: db.prepare('UPDATE reports SET server_findings = ? WHERE rowid = ?'),
    joinFleet: db.prepare('INSERT INTO fleet_members (device_id) VALUES (?) ON CONFLICT DO NOTHING'),
    bump: db.prepare('INSERT INTO fleet_counts (key, n) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET n = n + 1'),
    count: db.prepare('SELECT n FROM fleet_counts WHERE key = ?').pluck(),
    addTool: db.prepare('INSERT INTO tool_devices (tool, device_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    ownMac: db.prepare('INSERT INTO device_macs (mac, device_id) VALUES (?, ?) ON CONFLICT(mac) DO UPDATE SET device_id = excluded.device_id WHERE device_id <> excluded.device_id'),
    owners: db.prepare('SELECT mac, device_id FROM device_macs WHERE mac IN (SELECT value FROM json_each(?))'),
    myPrint: db.prepare('SELECT rtts FROM fingerprints WHERE place = ? AND device_id = ? AND last_seen_ms >= ?').pluck(),
    putPrint: db.prepare(
      'INSERT INTO fingerprints (place, device_id, rtts, last_seen_ms) VALUES (?, ?, ?, ?) ON CONFLICT(place, device_id) DO UPDATE SET rtts = excluded.rtts, last_seen_ms = excluded.last_seen_ms',
    ),
    touchPrint: db.prepare('UPDATE fingerprints SET last_seen_ms = ? WHERE place = ? AND device_id = ?'),
    printsAt: db.prepare('SELECT device_id, rtts FROM fingerprints WHERE place = ? AND last_seen_ms >= ? LIMIT 200'),
  };
  const zones = countryZones();
  const hosting = hostingAsns();

  function fleetFindings(item: IngestItem, policy: IntelPolicy, atMs: number): { finding: Finding; deviceIds: string[] }[] {
    const { report } = item;
    const out: { finding: Finding; deviceIds: string[] }[] = [];
    if (s.joinFleet.run(report.deviceId).changes) s.bump.run('devices');
    const fleet = (s.count.get('devices') as number | undefined) ?? 0;
    for (const tool of remoteToolsOf(report.findings).slice(0, 50)) {
      if (s.addTool.run(tool, report.deviceId).changes) s.bump.run(`tool:${tool}`);
      const finding = rareTool(tool, (s.count.get(`tool:${tool}`) as number | undefined) ?? 0, fleet, policy.rareTool);
      if (finding) out.push({ finding, deviceIds: [report.deviceId] });
    }
    const identity = report.identity as typeof report.identity & { selfMacs?: string[] };
    for (const mac of (identity.selfMacs ?? []).slice(0, 64)) s.ownMac.run(mac, report.deviceId);
    // An office LAN is full of colleagues' laptops: neighbours there are no evidence.
    if (!item.sourceIsOffice && identity.neighborMacs?.length) {
      const owners = new Map((s.owners.all(JSON.stringify(identity.neighborMacs)) as { mac: string; device_id: string }[]).map((r) => [r.mac, r.device_id]));
      const hit = neighborDevices(report.deviceId, identity.neighborMacs, owners, { known: policy.fingerprint.known, gatewayMac: identity.gatewayMac, wifiBssid: identity.wifiBssid });
      if (hit) out.push(hit);
    }
    const place = fingerprintKey(identity.gatewayMac, identity.wifiBssid, policy.fingerprint.known);
    const rtts = rttVector((report.snapshot as { network?: { probes?: unknown } } | undefined)?.network?.probes);
    if (place && Object.keys(rtts).length) {
      const windowStart = atMs - policy.windowHours * 3_600_000;
      const mine = s.myPrint.get(place, report.deviceId, windowStart) as string | undefined;
      if (mine && similarRtts(JSON.parse(mine) as Record<string, number>, rtts, policy.fingerprint)) s.touchPrint.run(atMs, place, report.deviceId);
      else s.putPrint.run(place, report.deviceId, JSON.stringify(rtts), atMs);
      const others: FingerprintMember[] = (s.printsAt.all(place, windowStart) as { device_id: string; rtts: string }[]).map((r) => ({
        deviceId: r.device_id,
        rtts: JSON.parse(r.rtts) as Record<string, number>,
      }));
      const hit = sharedFingerprint({ deviceId: report.deviceId, rtts }, others, policy.fingerprint);
      if (hit) out.push(hit);
    }
    return out;
  }

  return (item: IngestItem, policy: IntelPolicy, at: string, reportRowid: number | bigint, prev: Pick<DeviceBefore, 'travel_country' | 'travel_ms'> | undefined): IntelColumns => {
    const { report } = item;
    const atMs = item.receivedAt.getTime();
    const geo = item.source ?? {};
    const facts: SourceFacts = { country: geo.country, asn: geo.asn, asOrg: geo.asOrg, sourceIp: item.sourceIp, skipped: item.sourceIsOffice };
    const results: { finding: Finding; deviceIds: string[] }[] = [];
    let travelCountry: string | null = null;
    if (policy.geo && !facts.skipped) {
      const previous = prev?.travel_country && prev.travel_ms !== null ? { country: prev.travel_country, atMs: prev.travel_ms } : null;
      const geoFindings = [
        countryMismatch(facts, policy.expectedCountries),
        hostingNetwork(facts, hosting, policy.hostingAsns),
        timezoneMismatch(facts, report.identity.timezone, zones),
        impossibleTravel(previous, facts, atMs, policy.travel, zones),
      ];
      for (const f of geoFindings) if (f) results.push({ finding: f, deviceIds: [report.deviceId] });
      travelCountry = facts.country ?? null;
    }
    results.push(...fleetFindings(item, policy, atMs));

    const findings = results.map((r) => r.finding);
    const json = findings.length ? JSON.stringify(findings) : null;
    if (json) s.updateReport.run(json, reportRowid);
    const source = { ip: item.sourceIp, country: geo.country ?? null, asn: geo.asn ?? null, asOrg: geo.asOrg ?? null };
    for (const { finding, deviceIds } of results) {
      const others = deviceIds.length > 1 ? ` with ${deviceIds.filter((d) => d !== report.deviceId).join(', ')}` : '';
      upsertAlert(finding.rule, `device:${report.deviceId}`, finding.severity, deviceIds, `${report.deviceId}: ${finding.title}${finding.subject ? ` (${finding.subject})` : ''}${others}`, {
        ...finding.evidence,
        confidence: finding.confidence,
        source,
        reportId: report.reportId,
      }, at);
    }
    return { country: geo.country ?? null, asn: geo.asn ?? null, asOrg: geo.asOrg ?? null, findings: json, travelCountry, atMs };
  };
}

/** Intel's columns of the device row, written by the ingest's one device update (server/storage/sqlite-ingest.ts). */
export interface IntelColumns {
  country: string | null;
  asn: number | null;
  asOrg: string | null;
  findings: string | null;
  /** null: the travel columns keep their value. */
  travelCountry: string | null;
  atMs: number;
}

/** The device page's additions: where its latest report came from and the server's own findings on it. */
export function prepareIntelReads(db: Database.Database) {
  const row = db.prepare('SELECT source_country, source_asn, source_as_org, server_findings FROM devices WHERE device_id = ?');
  return {
    async deviceIntel(deviceId: string) {
      const r = row.get(deviceId) as { source_country: string | null; source_asn: number | null; source_as_org: string | null; server_findings: string | null } | undefined;
      if (!r) return null;
      return {
        source: { country: r.source_country, asn: r.source_asn, asOrg: r.source_as_org },
        serverFindings: r.server_findings ? (JSON.parse(r.server_findings) as Finding[]) : [],
      };
    },
  };
}
