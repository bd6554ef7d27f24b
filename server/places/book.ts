import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  clusterKey,
  defaultFleetGradePolicy,
  gradeFleet,
  memberEvidenceOf,
  membersKey,
  officePlacesTaught,
  placesOf,
  relayMatcher,
  type FleetGrade,
  type FleetGradePolicy,
  type KnownPlaces,
  type Place,
  type PlaceRole,
  type PresenceDay,
} from '../../rules/fleet/index.js';
import { networkMatcher } from '../network-match.js';
import type { PolicyRecord } from '../policy/schema.js';
import { ChangeWatch } from '../db/change-watch.js';
import { toAlert } from '../db/rows.js';
import type { SqlDb } from '../db/sql/types.js';
import type { IngestItem } from '../ingest/item.js';
import { GradeCache, needsRegrade, type AlertStamp, type InputChanges } from './grade-cache.js';
import { localTime } from './local-time.js';

/** The fleet alerts whose severity is graded here (rules/fleet/grade.ts). */
export const gradedRules = ['fleet.colocation', 'fleet.shared-fingerprint', 'fleet.neighbor-devices'] as const;

export type DeclaredRole = PlaceRole | 'none';

export interface PlaceRow {
  /** `kind:value`, as alerts show places (clusterKey). */
  place: string;
  kind: string;
  value: string;
  /** The role in effect: the policy's declaration, else the learned one. */
  role: PlaceRole | null;
  /** learned (first seen from an officeNetworks source), declared (in the policy), seen (neither). */
  origin: 'learned' | 'declared' | 'seen';
  label: string | null;
  firstSeen: string | null;
  firstSourceIp: string | null;
}

export interface PlaceBookOptions {
  officeNetworks: readonly string[];
  relayNetworks: readonly string[];
  /** Forwarder names: a re-grade that changes an alert's severity is forwarded like any other change. */
  forwarders: readonly string[];
  currentPolicy: () => Promise<PolicyRecord>;
  /**
   * The database's change counter (moved with every policy change, on any replica): the policy is read again only
   * when it moved (asked at most every 250 ms), not every pass. Absent: only refresh() reads it again.
   */
  changeCount?: () => Promise<number>;
  now: () => Date;
  logger: Logger;
  /** Under a stream of batches, a pass starts at least this long after the one before ended (default 100 ms). */
  streamGapMs?: number;
}

/** A device's row as a places pass reads it: its server findings (JSON) and its stored own evidence (JSON rule ids). */
interface StoredDevice {
  serverFindings: string | null;
  rules: string | null;
}

/** A presence day as held in memory, with what was last written of it. */
interface DayEntry extends PresenceDay {
  writtenLastMs: number;
  writtenNight: boolean;
  dirty: boolean;
}

/** A day row is written again only when the stay grew this much, or turned overnight: presence costs O(1) a report. */
const rewriteAfterMs = 30 * 60_000;

/**
 * Places the company declares (policy `places`) or the server learns (a router or access point first seen from an
 * officeNetworks source), presence per local day, each device's own evidence, and the severity of fleet alerts graded
 * from them. Written once against storage.sql. `before` runs in memory ahead of the ingest transaction (so the places it
 * learns are exempt in that same batch); `after` writes what it gathered and re-grades the fleet alerts whose inputs
 * changed, after the batch's reports were answered (server/ingest-queue.ts).
 */
export async function openPlaceBook(sql: SqlDb, options: PlaceBookOptions) {
  const isOfficeSource = networkMatcher(options.officeNetworks);
  const relay = relayMatcher(undefined, options.relayNetworks);
  const seen = new Map<string, PlaceRole | null>();
  const declared = new Map<string, { role: DeclaredRole; label?: string | undefined }>();
  const grades = new Map<string, FleetGrade>();
  const days = new Map<string, DayEntry>();
  /** The entries of `days` to write: a pass looks at these, not at every day held. */
  const dirtyDays = new Set<DayEntry>();
  let newPlaces: { place: string; role: PlaceRole | null; ms: number; ip: string }[] = [];
  let newEvidence = new Map<string, { rules: string; ms: number }>();
  let policy: FleetGradePolicy = defaultFleetGradePolicy;
  let policyVersion = -1;
  let chain: Promise<void> = Promise.resolve();
  let lastPruneMs = 0;
  const cache = new GradeCache();
  /** Each device's server findings as last read here, and the member evidence they give (JSON of the rule ids). */
  const serverEvidence = new Map<string, { raw: string | null; rules: string }>();

  for (const r of await sql.all<{ place: string; role: string | null }>('SELECT place, role FROM places')) seen.set(r.place, (r.role as PlaceRole | null) ?? null);

  const known: KnownPlaces = {
    roleOf(kind, value) {
      const key = `${kind}:${value}`;
      const d = declared.get(key);
      if (d) return d.role === 'none' ? undefined : d.role;
      return seen.get(key) ?? undefined;
    },
    isRelay: (ip, asn) => relay(ip, asn) !== null,
    gradeOf: (deviceIds) => grades.get(membersKey(deviceIds)),
  };

  const policyWatch = new ChangeWatch(options.changeCount, () => undefined);
  let policyGeneration = -1;
  async function loadPolicy(): Promise<void> {
    await policyWatch.fresh();
    if (policyGeneration === policyWatch.generation) return;
    const generation = policyWatch.generation;
    const record = await options.currentPolicy();
    policyGeneration = generation;
    if (record.version === policyVersion) return;
    policyVersion = record.version;
    declared.clear();
    for (const p of record.body.places) declared.set(`${p.kind}:${p.value}`, { role: p.role, label: p.label });
    policy = { ...defaultFleetGradePolicy, ...record.body.fleetGrade };
    // Thresholds or places changed: every cached grade is stale.
    grades.clear();
  }
  await loadPolicy();

  function before(items: readonly IngestItem[]): void {
    for (const item of items) {
      const { report } = item;
      const ms = item.receivedAt.getTime();
      const taught = officePlacesTaught({ sourceInOfficeNetworks: isOfficeSource(item.sourceIp), gatewayMac: report.identity.gatewayMac, wifiBssid: report.identity.wifiBssid });
      for (const [kind, value] of [['gateway', report.identity.gatewayMac], ['wifi', report.identity.wifiBssid]] as const) {
        if (!value) continue;
        const key = `${kind}:${value}`;
        if (seen.has(key)) continue;
        // First seen decides: a router first seen from an office source is an office; one first seen elsewhere never becomes one by itself.
        const role: PlaceRole | null = taught.some((t) => t.kind === kind && t.value === value) ? 'office' : null;
        seen.set(key, role);
        newPlaces.push({ place: key, role, ms, ip: item.sourceIp });
      }
      const { day, hour } = localTime(ms, report.identity.timezone);
      const night = inNight(hour, policy);
      const places = placesOf({ sourceIp: item.sourceIp, sourceIsOffice: item.sourceIsOffice, gatewayMac: report.identity.gatewayMac, wifiBssid: report.identity.wifiBssid, asn: item.source?.asn, known });
      for (const place of places) {
        const key = `${clusterKey(place)}\n${report.deviceId}\n${day}`;
        const e = days.get(key);
        if (!e) {
          const entry = { place: clusterKey(place), deviceId: report.deviceId, day, firstMs: ms, lastMs: ms, night, writtenLastMs: ms, writtenNight: night, dirty: true };
          days.set(key, entry);
          dirtyDays.add(entry);
          continue;
        }
        e.firstMs = Math.min(e.firstMs, ms);
        e.lastMs = Math.max(e.lastMs, ms);
        e.night ||= night;
        if (e.lastMs - e.writtenLastMs >= rewriteAfterMs || e.night !== e.writtenNight || e.firstMs < e.writtenLastMs - 86_400_000) {
          e.dirty = true;
          dirtyDays.add(e);
        }
      }
      // The newest per device; written only where the stored one differs (flush), whoever wrote that one.
      const rules = JSON.stringify(memberEvidenceOf(report.findings));
      const had = newEvidence.get(report.deviceId);
      if (!had || had.ms <= ms) newEvidence.set(report.deviceId, { rules, ms });
    }
    if (days.size > 200_000) for (const [k, e] of days) if (!e.dirty) days.delete(k);
  }

  /**
   * Writes what `before` gathered; returns the places whose presence days and the devices whose evidence it wrote.
   * `stored`: the devices' rows as read at the start of this pass. A device's evidence is written when it differs from
   * the stored one: not from what this replica last wrote, since another replica may have written it since.
   * `asked`: the devices whose rows were read. A device `before` added while that read was on its way (the ingest goes
   * on meanwhile) waits for the next pass, which reads its row: written unread, every busy pass would rewrite a batch
   * of unchanged evidence and re-grade every cluster of those devices.
   */
  async function flush(stored: ReadonlyMap<string, StoredDevice>, asked: ReadonlySet<string>): Promise<InputChanges> {
    const placesNow = newPlaces;
    const evidenceNow = new Map<string, { rules: string; ms: number }>();
    for (const [deviceId, ev] of newEvidence) {
      if (!asked.has(deviceId)) continue;
      newEvidence.delete(deviceId);
      if (stored.get(deviceId)?.rules !== ev.rules) evidenceNow.set(deviceId, ev);
    }
    newPlaces = [];
    const dirty = [...dirtyDays];
    dirtyDays.clear();
    for (const e of dirty) {
      e.dirty = false;
      e.writtenLastMs = e.lastMs;
      e.writtenNight = e.night;
    }
    const written = { places: new Set(dirty.map((e) => e.place)), devices: new Set(evidenceNow.keys()) };
    if (!placesNow.length && !evidenceNow.size && !dirty.length) return written;
    await sql.transaction(async (tx) => {
      for (const p of placesNow) {
        await tx.run('INSERT INTO places (place, role, origin, first_seen_ms, first_source_ip) VALUES (?, ?, ?, ?, ?) ON CONFLICT (place) DO NOTHING', [
          p.place, p.role, p.role ? 'learned' : 'seen', p.ms, p.ip,
        ]);
      }
      for (const e of dirty) {
        await tx.run(
          `INSERT INTO place_days (place, device_id, day, first_ms, last_ms, night) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (place, device_id, day) DO UPDATE SET first_ms = CASE WHEN excluded.first_ms < place_days.first_ms THEN excluded.first_ms ELSE place_days.first_ms END,
             last_ms = CASE WHEN excluded.last_ms > place_days.last_ms THEN excluded.last_ms ELSE place_days.last_ms END,
             night = CASE WHEN excluded.night > place_days.night THEN excluded.night ELSE place_days.night END`,
          [e.place, e.deviceId, e.day, e.firstMs, e.lastMs, e.night ? 1 : 0],
        );
      }
      for (const [deviceId, ev] of evidenceNow) {
        await tx.run('INSERT INTO device_evidence (device_id, rules, updated_ms) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET rules = excluded.rules, updated_ms = excluded.updated_ms', [
          deviceId, ev.rules, ev.ms,
        ]);
      }
    });
    return written;
  }

  /** The server findings and stored own evidence of these devices: one read per 500 devices a pass. */
  async function storedDevices(ids: readonly string[]): Promise<Map<string, StoredDevice>> {
    const out = new Map<string, StoredDevice>();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = await sql.all<{ device_id: string; server_findings: string | null; rules: string | null }>(
        `SELECT d.device_id, d.server_findings, e.rules FROM devices d LEFT JOIN device_evidence e ON e.device_id = d.device_id WHERE d.device_id IN (${inList(chunk.length)})`,
        chunk,
      );
      for (const r of rows) out.set(r.device_id, { serverFindings: r.server_findings, rules: r.rules });
    }
    return out;
  }

  /** The devices whose server findings give other member evidence than when last read here (or were never read). */
  function serverEvidenceChanged(stored: ReadonlyMap<string, StoredDevice>): string[] {
    const out: string[] = [];
    for (const [deviceId, { serverFindings: raw }] of stored) {
      const was = serverEvidence.get(deviceId);
      if (was && was.raw === raw) continue;
      const rules = raw ? JSON.stringify(memberEvidenceOf(JSON.parse(raw) as { rule: string }[])) : '[]';
      if (serverEvidence.size >= 200_000) serverEvidence.clear();
      serverEvidence.set(deviceId, { raw, rules });
      if (was?.rules !== rules) out.push(deviceId);
    }
    return out;
  }

  const inList = (n: number) => Array.from({ length: n }, () => '?').join(', ');

  async function memberEvidence(members: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!members.length) return out;
    const own = await sql.all<{ device_id: string; rules: string }>(`SELECT device_id, rules FROM device_evidence WHERE device_id IN (${inList(members.length)})`, members);
    for (const r of own) out.set(r.device_id, JSON.parse(r.rules) as string[]);
    const server = await sql.all<{ device_id: string; server_findings: string | null }>(`SELECT device_id, server_findings FROM devices WHERE device_id IN (${inList(members.length)})`, members);
    for (const r of server) {
      if (!r.server_findings) continue;
      const rules = memberEvidenceOf(JSON.parse(r.server_findings) as { rule: string }[]);
      if (rules.length) out.set(r.device_id, [...new Set([...(out.get(r.device_id) ?? []), ...rules])].sort());
    }
    return out;
  }

  const toDay = (r: { place: string; device_id: string; day: string; first_ms: unknown; last_ms: unknown; night: unknown }): PresenceDay => ({
    place: r.place, deviceId: r.device_id, day: r.day, firstMs: Number(r.first_ms), lastMs: Number(r.last_ms), night: Number(r.night) > 0,
  });

  async function gradeOfAlert(rule: string, members: readonly string[], evidence: Record<string, unknown>, cutoff: string): Promise<{ grade: FleetGrade; places: string[] }> {
    let places: string[];
    if (rule === 'fleet.colocation' && Array.isArray(evidence.places)) places = (evidence.places as Place[]).map(clusterKey);
    else {
      // A fingerprint or neighbour pair: the places where at least two of its members were seen.
      const rows = members.length
        ? await sql.all<{ place: string; n: unknown }>(
            `SELECT place, count(DISTINCT device_id) AS n FROM place_days WHERE device_id IN (${inList(members.length)}) AND day >= ? GROUP BY place`,
            [...members, cutoff],
          )
        : [];
      places = rows.filter((r) => Number(r.n) >= 2).map((r) => r.place);
    }
    places = places.slice(0, 20);
    const presence: PresenceDay[] = [];
    for (const place of places) {
      const rows = await sql.all<{ place: string; device_id: string; day: string; first_ms: unknown; last_ms: unknown; night: unknown }>(
        'SELECT place, device_id, day, first_ms, last_ms, night FROM place_days WHERE place = ? AND day >= ? LIMIT 5000',
        [place, cutoff],
      );
      presence.push(...rows.map(toDay));
    }
    return { grade: gradeFleet(members, presence, await memberEvidence(members), policy), places };
  }

  type AlertRow = Record<string, unknown> & { id: number; rule: string; severity: string; device_ids: string; evidence: string; updated_at: string };

  /**
   * Grades again the open fleet alerts whose inputs may have changed. Colocation alerts: every open one is listed by
   * its stamp (./grade-cache.ts), and read whole and graded only when its row, one of its inputs or the scope changed
   * since this replica graded it. Fingerprint and neighbour pairs: those of the batch's devices, every pass (they are
   * keyed by one member, so another replica's change at the other member would not reach a cache here; they are small).
   */
  async function regrade(ids: readonly string[], written: InputChanges, stored: ReadonlyMap<string, StoredDevice>): Promise<void> {
    const now = options.now();
    const nowMs = now.getTime();
    const cutoff = new Date(nowMs - policy.lookbackDays * 86_400_000).toISOString().slice(0, 10);
    cache.scopeTo(`${policyVersion}\n${cutoff}`);
    const changes: InputChanges = { places: written.places, devices: new Set([...written.devices, ...serverEvidenceChanged(stored)]) };
    // One statement lists the open colocation alerts and the batch's devices' pairs by their stamps (a UNION keeps
    // each part on the active-alert index); a second reads whole only the rows to grade.
    const stamps: (AlertStamp & { rule: string })[] = [];
    const stampColumns = 'SELECT id, rule, updated_at, severity, length(device_ids) AS members_chars FROM alerts';
    for (let i = 0; i === 0 || i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const parts: string[] = [];
      const params: unknown[] = [];
      if (i === 0) {
        parts.push(`${stampColumns} WHERE rule = ? AND status <> 'resolved'`);
        params.push('fleet.colocation');
      }
      if (chunk.length) {
        parts.push(`${stampColumns} WHERE rule IN (?, ?) AND alert_key IN (${inList(chunk.length)}) AND status <> 'resolved'`);
        params.push('fleet.shared-fingerprint', 'fleet.neighbor-devices', ...chunk.map((id) => `device:${id}`));
      }
      stamps.push(...(await sql.all<AlertStamp & { rule: string }>(parts.join(' UNION ALL '), params)));
    }
    const colocation = stamps.filter((s) => s.rule === 'fleet.colocation');
    const stampOf = new Map(colocation.map((s) => [Number(s.id), s]));
    cache.keepOnly(new Set(stampOf.keys()));
    const due: number[] = stamps.filter((s) => s.rule !== 'fleet.colocation').map((s) => Number(s.id));
    for (const stamp of colocation) {
      const entry = cache.get(Number(stamp.id));
      if (needsRegrade(entry, stamp, changes, nowMs, cache.trustMs)) due.push(Number(stamp.id));
      else if (entry && !grades.has(entry.membersKey)) grades.set(entry.membersKey, entry.grade);
    }
    const mine = new Set(ids);
    const rows: AlertRow[] = [];
    for (let i = 0; i < due.length; i += 500) {
      const chunk = due.slice(i, i + 500);
      for (const row of await sql.all<AlertRow>(`SELECT * FROM alerts WHERE id IN (${inList(chunk.length)}) AND status <> 'resolved'`, chunk)) {
        // A pair is graded when one of its members reported here, as before.
        if (row.rule === 'fleet.colocation' || (JSON.parse(row.device_ids) as string[]).some((m) => mine.has(m))) rows.push(row);
      }
    }
    for (const row of rows) {
      const id = Number(row.id);
      const members = JSON.parse(row.device_ids) as string[];
      const evidence = JSON.parse(row.evidence) as Record<string, unknown>;
      const { grade, places } = await gradeOfAlert(row.rule, members, evidence, cutoff);
      const key = membersKey(members);
      grades.set(key, grade);
      if (grades.size > 50_000) grades.clear();
      const was = evidence.grade as FleetGrade | undefined;
      let stamp = { updatedAt: String(row.updated_at), severity: row.severity };
      if (row.severity !== grade.severity || JSON.stringify(was?.reasons) !== JSON.stringify(grade.reasons)) {
        const at = now.toISOString();
        const next = JSON.stringify({ ...evidence, grade });
        const changed = await sql.run("UPDATE alerts SET severity = ?, evidence = ?, updated_at = ? WHERE id = ? AND status <> 'resolved'", [grade.severity, next, at, id]);
        if (changed.changes && row.severity !== grade.severity) await forward({ ...row, severity: grade.severity, evidence: next, updated_at: at }, now);
        stamp = { updatedAt: at, severity: grade.severity };
      }
      // The member list's length as the stamp read it: should the row have changed since, the next pass sees it differ.
      const listed = stampOf.get(id);
      if (row.rule === 'fleet.colocation' && listed) cache.set(id, { ...stamp, membersChars: Number(listed.members_chars), members, places, membersKey: key, grade, gradedMs: nowMs });
    }
  }

  /** The outbox row of a severity change, in the shape of every other alert event (server/forwarders/). */
  async function forward(row: Record<string, unknown>, now: Date): Promise<void> {
    if (!options.forwarders.length) return;
    const alert = toAlert(row);
    const ids = alert.deviceIds.slice(0, 50);
    const names = ids.length ? await sql.all<{ device_id: string; hostname: string }>(`SELECT device_id, hostname FROM devices WHERE device_id IN (${inList(ids.length)})`, ids) : [];
    const host = new Map(names.map((n) => [n.device_id, n.hostname]));
    const event = JSON.stringify({ uid: randomUUID(), kind: 'update', at: alert.updatedAt, alert, devices: ids.map((deviceId) => ({ deviceId, hostname: host.get(deviceId) ?? null })) });
    for (const name of options.forwarders) {
      await sql.run('INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?)', [name, alert.id, event, now.getTime(), now.getTime()]);
    }
  }

  async function prune(): Promise<void> {
    const now = options.now().getTime();
    if (now - lastPruneMs < 3_600_000) return;
    lastPruneMs = now;
    const cutoff = new Date(now - 2 * policy.lookbackDays * 86_400_000).toISOString().slice(0, 10);
    await sql.run('DELETE FROM place_days WHERE day < ?', [cutoff]);
    for (const [k, e] of days) if (!e.dirty && e.day < cutoff) days.delete(k);
  }

  /**
   * Runs after the batch committed; one pass at a time, in batch order. Batches that commit while a pass runs go
   * together in the next pass (one flush and one re-grade for all of them): a pass costs a few statements whatever
   * its size, and on PostgreSQL each is a round trip, so one pass per batch would bound the ingest. The reports are
   * answered before it: the queue counts them until it is done, so a pass slower than the ingest fills the queue and
   * the ingest refuses (429) rather than letting it grow. A failure is logged, never the ingest's.
   *
   * A batch that commits while a pass runs, or while more reports are on their way (waiting for a transaction or
   * inside one), is part of a stream: its pass starts `streamGapMs` after the last one ended, and takes every batch
   * committed meanwhile. So under load a replica runs at most a handful of passes a second, whatever its batch size
   * (a pass takes a couple of milliseconds, so most batches commit between passes, not during one: spaced only after
   * a running pass, there was a pass per batch, and two replicas, whose batches are half as large, ran twice the
   * passes per report). A batch with nothing behind it is passed at once, so one report's places are listed as soon
   * as it is.
   */
  let waiting = new Set<string>();
  let waiters: (() => void)[] = [];
  let passing = false;
  /** When the last pass ended (performance.now()), so that the next begins no sooner than the gap after it. */
  let lastEnded = Number.NEGATIVE_INFINITY;
  const streamGapMs = options.streamGapMs ?? 100;
  async function pass(): Promise<void> {
    const ids = [...waiting];
    const done = waiters;
    waiting = new Set();
    waiters = [];
    passing = true;
    try {
      await loadPolicy();
      const asked = new Set([...ids, ...newEvidence.keys()]);
      const stored = await storedDevices([...asked]);
      const written = await flush(stored, asked);
      if (ids.length || written.places.size || written.devices.size) await regrade(ids, written, stored);
      await prune();
    } catch (err) {
      // What this pass wrote may not be graded: grade everything again next time rather than trust the cache.
      cache.clear();
      options.logger.error({ err }, 'places: presence or fleet grading failed');
    }
    passing = false;
    lastEnded = performance.now();
    for (const resolve of done) resolve();
  }
  /**
   * Only the batch's device ids wait for the pass: what `before` needed of the reports it has taken already.
   * `streaming`: more reports were on their way when this batch committed (server/ingest-queue.ts).
   */
  function after(items: readonly IngestItem[], context: { streaming: boolean } = { streaming: false }): Promise<void> {
    for (const item of items) waiting.add(item.report.deviceId);
    const told = new Promise<void>((resolve) => waiters.push(resolve));
    if (waiters.length === 1) {
      // Part of a stream: this pass waits out the rest of the gap after the last one.
      const spaced = context.streaming || passing;
      chain = chain.then(() => {
        const wait = spaced ? lastEnded + streamGapMs - performance.now() : 0;
        return wait > 0 ? delay(wait).then(pass) : pass();
      });
    }
    return told;
  }

  async function list(): Promise<PlaceRow[]> {
    await loadPolicy();
    const rows = await sql.all<{ place: string; role: string | null; origin: string; first_seen_ms: unknown; first_source_ip: string | null }>(
      'SELECT place, role, origin, first_seen_ms, first_source_ip FROM places WHERE role IS NOT NULL ORDER BY place LIMIT 10000',
    );
    const out = new Map<string, PlaceRow>();
    const split = (place: string) => ({ kind: place.slice(0, place.indexOf(':')), value: place.slice(place.indexOf(':') + 1) });
    for (const r of rows) {
      out.set(r.place, { place: r.place, ...split(r.place), role: r.role as PlaceRole, origin: 'learned', label: null, firstSeen: new Date(Number(r.first_seen_ms)).toISOString(), firstSourceIp: r.first_source_ip });
    }
    for (const [place, d] of declared) {
      const was = out.get(place);
      out.set(place, { place, ...split(place), role: d.role === 'none' ? null : d.role, origin: 'declared', label: d.label ?? null, firstSeen: was?.firstSeen ?? null, firstSourceIp: was?.firstSourceIp ?? null });
    }
    return [...out.values()].sort((a, b) => a.place.localeCompare(b.place));
  }

  return {
    known,
    before,
    after,
    list,
    /** After a policy PUT: read it before the next batch. */
    async refresh(): Promise<void> {
      policyWatch.invalidate();
      policyVersion = -1;
      await loadPolicy();
    },
  };
}

export type PlaceBook = Awaited<ReturnType<typeof openPlaceBook>>;

function inNight(hour: number, policy: FleetGradePolicy): boolean {
  const { nightStartHour: s, nightEndHour: e } = policy;
  return s < e ? hour >= s && hour < e : hour >= s || hour < e;
}
