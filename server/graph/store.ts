import { randomUUID } from 'node:crypto';
import { clustersOf, linkKeysOf, linkRules, type Cluster, type Link, type LinkReason, type SharedDecision } from '../../rules/fleet/index.js';
import type { SqlDb } from '../db/sql/types.js';
import { toAlert } from '../db/rows.js';
import type { AlertEvent } from '../db/records.js';

/**
 * The operator graph's storage, written once against SqlDb for both engines: sightings of keyed hashes per laptop,
 * the places a peripheral was seen at, the alerts that shared keys open (with their forwarder outbox rows, in the same
 * transaction), and the links clusters are built from. Decisions are the pure functions of rules/fleet.
 */

type Row = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export interface Member {
  deviceId: string;
  tool: string;
  firstMs: number;
  lastMs: number;
}

/** Most laptops one key's member list is read for: a key on more is a relay or a vendor default either way. */
const maxMembers = 500;

/**
 * Records that `deviceId` saw the key at `atMs`. True when the laptop was not already a member within the window
 * (a new member: the caller decides again); false when it only moved its last sighting.
 */
export async function recordSighting(tx: SqlDb, kind: string, value: string, deviceId: string, tool: string | null, atMs: number, windowStartMs: number): Promise<boolean> {
  const [greatest, least] = tx.dialect === 'sqlite' ? ['max', 'min'] : ['greatest', 'least'];
  const touched = await tx.run(
    `UPDATE graph_sightings SET last_ms = ${greatest}(last_ms, ?), first_ms = ${least}(first_ms, ?) WHERE kind = ? AND value = ? AND device_id = ? AND last_ms >= ?`,
    [atMs, atMs, kind, value, deviceId, windowStartMs],
  );
  if (touched.changes) return false;
  await tx.run(
    `INSERT INTO graph_sightings (kind, value, device_id, tool, first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (kind, value, device_id) DO UPDATE SET last_ms = ${greatest}(graph_sightings.last_ms, excluded.last_ms), tool = excluded.tool`,
    [kind, value, deviceId, tool, atMs, atMs],
  );
  return true;
}

export async function membersOf(tx: SqlDb, kind: string, value: string, windowStartMs: number): Promise<Member[]> {
  const rows = await tx.all<Row>('SELECT device_id, tool, first_ms, last_ms FROM graph_sightings WHERE kind = ? AND value = ? AND last_ms >= ? ORDER BY device_id LIMIT ?', [
    kind, value, windowStartMs, maxMembers,
  ]);
  return rows.map((r) => ({ deviceId: String(r.device_id), tool: (r.tool as string | null) ?? 'unknown', firstMs: num(r.first_ms), lastMs: num(r.last_ms) }));
}

/** Laptops that ever saw the key (within the sightings kept), counted up to `cap` + 1. */
export async function devicesEver(tx: SqlDb, kind: string, value: string, cap: number): Promise<number> {
  const rows = await tx.all('SELECT device_id FROM graph_sightings WHERE kind = ? AND value = ? LIMIT ?', [kind, value, cap + 1]);
  return rows.length;
}

/** Records the place and returns how many distinct places saw the key, counted up to `cap` + 1. */
export async function recordPlace(tx: SqlDb, kind: string, value: string, place: string, atMs: number, cap: number): Promise<number> {
  const greatest = tx.dialect === 'sqlite' ? 'max' : 'greatest';
  await tx.run(
    `INSERT INTO graph_places (kind, value, place, last_ms) VALUES (?, ?, ?, ?) ON CONFLICT (kind, value, place) DO UPDATE SET last_ms = ${greatest}(graph_places.last_ms, excluded.last_ms)`,
    [kind, value, place, atMs],
  );
  const rows = await tx.all('SELECT place FROM graph_places WHERE kind = ? AND value = ? LIMIT ?', [kind, value, cap + 1]);
  return rows.length;
}

/** Forgets sightings and places last seen before `beforeMs`; returns the rows deleted. */
export async function pruneSightings(db: SqlDb, beforeMs: number): Promise<number> {
  const a = await db.run('DELETE FROM graph_sightings WHERE last_ms < ?', [beforeMs]);
  const b = await db.run('DELETE FROM graph_places WHERE last_ms < ?', [beforeMs]);
  return a.changes + b.changes;
}

interface ActiveAlert {
  id: number;
  deviceIds: string[];
  evidence: Record<string, unknown>;
  severity: string;
  summary: string;
  deviceIdsText: string;
}

const activeOf = (r: Row): ActiveAlert => ({
  id: num(r.id),
  deviceIds: JSON.parse(String(r.device_ids)) as string[],
  evidence: JSON.parse(String(r.evidence)) as Record<string, unknown>,
  severity: String(r.severity),
  summary: String(r.summary),
  deviceIdsText: String(r.device_ids),
});

type Key = { kind: string; value: string };
const keysIn = (evidence: Record<string, unknown>): Key[] =>
  Array.isArray(evidence.keys) ? (evidence.keys as unknown[]).filter((k): k is Key => !!k && typeof (k as Key).kind === 'string' && typeof (k as Key).value === 'string') : [];

export interface AlertWriter {
  forwarders: readonly string[];
  clock: () => number;
}

/**
 * Opens or updates the one active alert of `rule` for this shared key. An active alert of the same rule whose laptops
 * overlap the decision's by two or more is the same group (one operator seen by id and by address, one desk's monitor
 * and keyboard): the key joins that alert instead of opening a second one. Returns the alert id, or null when nothing
 * an analyst sees changed.
 */
export async function upsertSharedAlert(tx: SqlDb, w: AlertWriter, rule: string, severity: string, key: Key, decision: SharedDecision, at: string): Promise<number | null> {
  await tx.lock(`graph:${rule}`);
  const alertKey = `${key.kind}:${key.value}`;
  let row = await tx.get<Row>("SELECT id, device_ids, evidence, severity, summary FROM alerts WHERE rule = ? AND alert_key = ? AND status <> 'resolved'", [rule, alertKey]);
  if (!row) {
    const open = await tx.all<Row>("SELECT id, device_ids, evidence, severity, summary FROM alerts WHERE rule = ? AND status <> 'resolved' ORDER BY id LIMIT 500", [rule]);
    const mine = new Set(decision.deviceIds);
    row = open.find((r) => (JSON.parse(String(r.device_ids)) as string[]).filter((d) => mine.has(d)).length >= Math.min(2, mine.size));
  }
  if (!row) {
    const inserted = await tx.get<Row>(
      "INSERT INTO alerts (rule, alert_key, status, severity, device_ids, summary, evidence, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?) RETURNING id",
      [rule, alertKey, severity, JSON.stringify(decision.deviceIds), decision.summary, JSON.stringify(decision.evidence), at, at],
    );
    const id = num(inserted?.id);
    await writeOutbox(tx, w, id, 'new');
    return id;
  }
  const active = activeOf(row);
  const deviceIds = [...new Set([...active.deviceIds, ...decision.deviceIds])].sort();
  const keys = [...keysIn(active.evidence).filter((k) => k.kind !== key.kind || k.value !== key.value), key];
  const summary = keys.length > 1 ? `${decision.summary.replace(/^\d+ laptops/, `${deviceIds.length} laptops`)}; ${keys.length} shared keys` : decision.summary.replace(/^\d+ laptops/, `${deviceIds.length} laptops`);
  const evidence = { ...active.evidence, ...decision.evidence, keys };
  const deviceIdsText = JSON.stringify(deviceIds);
  if (active.severity === severity && active.summary === summary && active.deviceIdsText === deviceIdsText && JSON.stringify(keysIn(active.evidence)) === JSON.stringify(keys)) return null;
  await tx.run('UPDATE alerts SET severity = ?, device_ids = ?, summary = ?, evidence = ?, updated_at = ? WHERE id = ?', [severity, deviceIdsText, summary, JSON.stringify(evidence), at, active.id]);
  if (active.summary !== summary || active.deviceIdsText !== deviceIdsText || active.severity !== severity) await writeOutbox(tx, w, active.id, 'update');
  return active.id;
}

/** One outbox row per configured forwarder, in the alert's transaction (the same event shape as every alert's). */
async function writeOutbox(tx: SqlDb, w: AlertWriter, alertId: number, kind: 'new' | 'update'): Promise<void> {
  if (!w.forwarders.length) return;
  const row = await tx.get<Row>('SELECT * FROM alerts WHERE id = ?', [alertId]);
  if (!row) return;
  const alert = toAlert({ ...row, id: num(row.id) });
  const devices: AlertEvent['devices'] = [];
  for (const deviceId of alert.deviceIds.slice(0, 50)) {
    const h = await tx.get<Row>('SELECT hostname FROM devices WHERE device_id = ?', [deviceId]);
    devices.push({ deviceId, hostname: (h?.hostname as string | undefined) ?? null });
  }
  const event: AlertEvent = { uid: randomUUID(), kind, at: alert.updatedAt, alert, devices };
  const text = JSON.stringify(event);
  const now = w.clock();
  for (const name of w.forwarders) {
    await tx.run('INSERT INTO outbox (forwarder, alert_id, event, created_ms, next_attempt_ms) VALUES (?, ?, ?, ?, ?)', [name, alertId, text, now, now]);
  }
}

/** Most active fleet alerts read to build clusters: each is a group of laptops, and groups are few. */
const maxLinks = 5000;

/** The links clusters are built from: every active alert of a linking fleet rule. */
export async function readLinks(db: SqlDb): Promise<Link[]> {
  const rules = Object.keys(linkRules);
  const rows = await db.all<Row>(
    `SELECT id, rule, device_ids, evidence FROM alerts WHERE rule IN (${rules.map(() => '?').join(', ')}) AND status <> 'resolved' ORDER BY id LIMIT ?`,
    [...rules, maxLinks],
  );
  const links: Link[] = [];
  for (const r of rows) {
    try {
      const deviceIds = JSON.parse(String(r.device_ids)) as unknown;
      const evidence = JSON.parse(String(r.evidence)) as Record<string, unknown>;
      if (!Array.isArray(deviceIds)) continue;
      links.push({
        deviceIds: deviceIds.filter((d): d is string => typeof d === 'string'),
        reason: linkRules[String(r.rule)] as LinkReason,
        rule: String(r.rule),
        alertId: num(r.id),
        keys: linkKeysOf(evidence && typeof evidence === 'object' ? evidence : {}),
      });
    } catch {
      // A row this code did not write in this shape links nothing.
    }
  }
  return links;
}

/** Every cluster of the fleet (two or more laptops), largest first. */
export async function readClusters(db: SqlDb): Promise<Cluster[]> {
  return clustersOf(await readLinks(db));
}
