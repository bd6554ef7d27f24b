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
import { one, rows, type Db, type UpsertAlertPg } from '../storage/pg-alerts.js';
import type { IngestItem } from '../storage/types.js';
import type { IntelPolicy } from './policy.js';

/** Geo and fleet intelligence on PostgreSQL's hot path: the same statements and pure rules as server/geo/sqlite-intel.ts, in the ingest transaction. */
export function pgIntel(upsertAlert: UpsertAlertPg) {
  const zones = countryZones();
  const hosting = hostingAsns();
  const count = async (db: Db, key: string) => Number((await one<{ n: number }>(db, 'SELECT n FROM fleet_counts WHERE key = $1', [key]))?.n ?? 0);
  const bump = (db: Db, key: string) => db.query('INSERT INTO fleet_counts (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = fleet_counts.n + 1', [key]);

  async function fleetFindings(db: Db, item: IngestItem, policy: IntelPolicy, atMs: number): Promise<{ finding: Finding; deviceIds: string[] }[]> {
    const { report } = item;
    const out: { finding: Finding; deviceIds: string[] }[] = [];
    if ((await db.query('INSERT INTO fleet_members (device_id) VALUES ($1) ON CONFLICT DO NOTHING', [report.deviceId])).rowCount) await bump(db, 'devices');
    const fleet = await count(db, 'devices');
    for (const tool of remoteToolsOf(report.findings).slice(0, 50)) {
      if ((await db.query('INSERT INTO tool_devices (tool, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tool, report.deviceId])).rowCount) await bump(db, `tool:${tool}`);
      const finding = rareTool(tool, await count(db, `tool:${tool}`), fleet, policy.rareTool);
      if (finding) out.push({ finding, deviceIds: [report.deviceId] });
    }
    const identity = report.identity as typeof report.identity & { selfMacs?: string[] };
    const macs = (identity.selfMacs ?? []).slice(0, 64);
    if (macs.length) {
      await db.query(
        `INSERT INTO device_macs (mac, device_id) SELECT DISTINCT m, $2 FROM unnest($1::text[]) m
         ON CONFLICT (mac) DO UPDATE SET device_id = excluded.device_id WHERE device_macs.device_id <> excluded.device_id`,
        [macs, report.deviceId],
      );
    }
    if (!item.sourceIsOffice && identity.neighborMacs?.length) {
      const owners = new Map((await rows<{ mac: string; device_id: string }>(db, 'SELECT mac, device_id FROM device_macs WHERE mac = ANY($1)', [identity.neighborMacs])).map((r) => [r.mac, r.device_id]));
      const hit = neighborDevices(report.deviceId, identity.neighborMacs, owners, { known: policy.fingerprint.known, gatewayMac: identity.gatewayMac, wifiBssid: identity.wifiBssid });
      if (hit) out.push(hit);
    }
    const place = fingerprintKey(identity.gatewayMac, identity.wifiBssid, policy.fingerprint.known);
    const rtts = rttVector((report.snapshot as { network?: { probes?: unknown } } | undefined)?.network?.probes);
    if (place && Object.keys(rtts).length) {
      const windowStart = atMs - policy.windowHours * 3_600_000;
      const mine = await one<{ rtts: string }>(db, 'SELECT rtts FROM fingerprints WHERE place = $1 AND device_id = $2 AND last_seen_ms >= $3', [place, report.deviceId, windowStart]);
      if (mine && similarRtts(JSON.parse(mine.rtts) as Record<string, number>, rtts, policy.fingerprint)) {
        await db.query('UPDATE fingerprints SET last_seen_ms = $1 WHERE place = $2 AND device_id = $3', [atMs, place, report.deviceId]);
      } else {
        await db.query(
          'INSERT INTO fingerprints (place, device_id, rtts, last_seen_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (place, device_id) DO UPDATE SET rtts = excluded.rtts, last_seen_ms = excluded.last_seen_ms',
          [place, report.deviceId, JSON.stringify(rtts), atMs],
        );
      }
      const others: FingerprintMember[] = (await rows<{ device_id: string; rtts: string }>(db, 'SELECT device_id, rtts FROM fingerprints WHERE place = $1 AND last_seen_ms >= $2 LIMIT 200', [place, windowStart])).map((r) => ({
        deviceId: r.device_id,
        rtts: JSON.parse(r.rtts) as Record<string, number>,
      }));
      const hit = sharedFingerprint({ deviceId: report.deviceId, rtts }, others, policy.fingerprint);
      if (hit) out.push(hit);
    }
    return out;
  }

  return async (db: Db, item: IngestItem, policy: IntelPolicy, at: string): Promise<void> => {
    const { report } = item;
    const atMs = item.receivedAt.getTime();
    const geo = item.source ?? {};
    const facts: SourceFacts = { country: geo.country, asn: geo.asn, asOrg: geo.asOrg, sourceIp: item.sourceIp, skipped: item.sourceIsOffice };
    const results: { finding: Finding; deviceIds: string[] }[] = [];
    let travelCountry: string | null = null;
    if (policy.geo && !facts.skipped) {
      const prev = await one<{ travel_country: string | null; travel_ms: number | null }>(db, 'SELECT travel_country, travel_ms FROM devices WHERE device_id = $1', [report.deviceId]);
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
    results.push(...(await fleetFindings(db, item, policy, atMs)));

    const findings = results.map((r) => r.finding);
    const json = findings.length ? JSON.stringify(findings) : null;
    await db.query('UPDATE reports SET source_country = $1, source_asn = $2, server_findings = $3 WHERE report_id = $4', [geo.country ?? null, geo.asn ?? null, json, report.reportId]);
    await db.query(
      `UPDATE devices SET source_country = $2, source_asn = $3, source_as_org = $4, server_findings = $5,
        travel_country = coalesce($6, travel_country), travel_ms = CASE WHEN $6::text IS NULL THEN travel_ms ELSE $7::bigint END WHERE device_id = $1`,
      [report.deviceId, geo.country ?? null, geo.asn ?? null, geo.asOrg ?? null, json, travelCountry, atMs],
    );
    const source = { ip: item.sourceIp, country: geo.country ?? null, asn: geo.asn ?? null, asOrg: geo.asOrg ?? null };
    for (const { finding, deviceIds } of results) {
      const others = deviceIds.length > 1 ? ` with ${deviceIds.filter((d) => d !== report.deviceId).join(', ')}` : '';
      await upsertAlert(db, finding.rule, `device:${report.deviceId}`, finding.severity, deviceIds, `${report.deviceId}: ${finding.title}${finding.subject ? ` (${finding.subject})` : ''}${others}`, {
        ...finding.evidence,
        confidence: finding.confidence,
        source,
        reportId: report.reportId,
      }, at);
    }
  };
}
