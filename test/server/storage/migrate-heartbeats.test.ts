import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { compressBody, storedBody } from '../../../server/db/report-body.js';
import { factsHash } from '../../../server/ingest/report-facts.js';
import { hashToken } from '../../../server/tokens.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines, type Engine } from '../../helpers/engines.js';
import { atVersion } from './at-version.js';
import { newReportId } from '../../../agent/report-id.js';
import { cleanup, makeReport, postReport, startServer, type Running } from '../helpers.js';

// Version 10 kept heartbeats as `reports` rows naming their full row in `repeats`; version 11 moves them to the narrow
// table. Every read answers as before (but for the letter case of an upper-case id in the history, and the time zone
// of a collected-at sent with an offset), and the migrated database ingests and deduplicates as a new one.
describe.each(engines)('migration 11 from version 10 data (%s)', (name, engine: Engine) => {
  let s: Running | undefined;
  let reader: Storage | undefined;
  afterEach(async () => {
    await reader?.close();
    await s?.close();
    if (s) cleanup(s.dir);
    s = undefined;
    reader = undefined;
  });

  it('moves heartbeats to their own table and reads every report as before', async () => {
    const db = await engine.db();
    const v10 = await atVersion(name, db, 10);
    const token = `token-${randomUUID()}`;
    const t0 = Date.now() - 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const full = makeReport('mig-1', { score: 30, level: 'medium' }, new Date(t0 + 1000));
    const changed = makeReport('mig-1', { score: 55, level: 'high' }, new Date(t0 + 4000));
    const text = makeReport('mig-1', {}, new Date(t0 + 500));
    const [h1, h2, h3, dangling, orphan] = [randomUUID(), randomUUID().toUpperCase(), randomUUID(), randomUUID(), randomUUID()];
    const fullBody = JSON.stringify(full);
    const insert = 'INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body, body_z, repeats) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const row = (id: string, device: string, collected: string, at: number, score: number, level: string, body: string, bodyZ: Buffer | null, repeats: string | null) =>
      v10.exec(insert, [id, device, collected, at, score, level, '127.0.0.1', body, bodyZ, repeats]);
    await row(text.reportId as string, 'mig-1', text.collectedAt as string, t0 + 500, 12, 'low', JSON.stringify(text), null, null);
    await row(full.reportId as string, 'mig-1', full.collectedAt as string, t0 + 1000, 30, 'medium', '', compressBody(fullBody), null);
    await row(h1, 'mig-1', iso(t0 + 2000), t0 + 2000, 30, 'medium', '', null, full.reportId as string);
    await row(h2, 'mig-1', iso(t0 + 2500), t0 + 2500, 30, 'medium', '', null, full.reportId as string);
    // Sent with an offset: the same instant, read back in UTC after the move.
    await row(h3, 'mig-1', iso(t0 + 3000).replace('Z', '+00:00'), t0 + 3000, 30, 'medium', '', null, full.reportId as string);
    await row(changed.reportId as string, 'mig-1', changed.collectedAt as string, t0 + 4000, 55, 'high', '', compressBody(JSON.stringify(changed)), null);
    // Its full row went to retention under version 10: it read the device's full row before it, and still does.
    await row(dangling, 'mig-1', iso(t0 + 5000), t0 + 5000, 55, 'high', '', null, randomUUID());
    // A heartbeat with no full row at all read as absent, and still does.
    await row(orphan, 'mig-2', iso(t0 + 5000), t0 + 5000, 0, 'none', '', null, randomUUID());
    await v10.exec('INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at, latest_report_id, facts_hash, facts_report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      'mig-1', 'mig-1.local', 'linux', '0.1.0', hashToken(token), iso(t0), dangling, factsHash(JSON.stringify(changed)), changed.reportId,
    ]);
    await v10.exec('INSERT INTO devices (device_id, hostname, platform, agent_version, enrolled_at) VALUES (?, ?, ?, ?, ?)', ['mig-2', 'mig-2.local', 'linux', '0.1.0', iso(t0)]);
    await v10.close();

    reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    const sql = reader.sql;
    const read = async (id: string) => {
      const body = await storedBody(sql, id, id === orphan ? 'mig-2' : 'mig-1');
      return body === undefined ? undefined : (JSON.parse(body) as Record<string, unknown>);
    };
    expect(await read(text.reportId as string)).toEqual(text);
    expect(await read(full.reportId as string)).toEqual(full);
    expect(await read(h1)).toEqual({ ...full, reportId: h1, collectedAt: iso(t0 + 2000) });
    expect(await read(h2)).toEqual({ ...full, reportId: h2, collectedAt: iso(t0 + 2500) });
    expect(await read(h3)).toEqual({ ...full, reportId: h3, collectedAt: iso(t0 + 3000) });
    expect(await read(dangling)).toEqual({ ...changed, reportId: dangling, collectedAt: iso(t0 + 5000) });
    expect(await read(orphan)).toBeUndefined();
    expect((await reader.latestReport('mig-1'))?.reportId).toBe(dangling);

    const detail = await reader.getDevice('mig-1', 20);
    expect(detail?.history.map((h) => [h.reportId, h.score, h.collectedAt])).toEqual([
      [dangling, 55, iso(t0 + 5000)],
      [changed.reportId, 55, changed.collectedAt],
      [h3, 30, iso(t0 + 3000)],
      [h2.toLowerCase(), 30, iso(t0 + 2500)],
      [h1, 30, iso(t0 + 2000)],
      [full.reportId, 30, full.collectedAt],
      [text.reportId, 12, text.collectedAt],
    ]);
    expect(detail?.findings).toEqual(changed.findings);
    expect((await reader.getDevice('mig-2', 20))?.history.map((h) => h.reportId)).toEqual([orphan]);

    // The narrow table holds the four that had a full row; `reports` the rest, without `repeats`.
    expect(Number((await sql.get<{ n: number }>('SELECT count(*) AS n FROM heartbeats'))?.n)).toBe(4);
    const kept = await sql.all<Record<string, unknown>>('SELECT * FROM reports ORDER BY received_ms, report_id');
    expect(kept.map((r) => r.report_id)).toEqual([text.reportId, full.reportId, changed.reportId, orphan]);
    expect(kept.every((r) => !('repeats' in r) && typeof r.id === 'number')).toBe(true);
    await reader.close();
    reader = undefined;

    // The migrated database ingests: a resent heartbeat (in either letter case) is a duplicate, the same facts again a heartbeat.
    s = await startServer({ db });
    s.clock.now = new Date();
    for (const id of [h1, h2, h2.toLowerCase(), full.reportId as string]) {
      const res = await postReport(s.url, token, { ...full, reportId: id, collectedAt: s.clock.now.toISOString() });
      expect(res.status, `${id}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ duplicate: true });
    }
    reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    expect(Number((await reader.sql.get<{ n: number }>('SELECT count(*) AS n FROM heartbeats'))?.n)).toBe(4);
  });
});

// Version 13 keys heartbeats_base on the hour (server/db/heartbeat-order.ts): a version-12 database's heartbeats get
// the index rebuilt and read back as before, newest first across hour boundaries, and retention cuts them at the same
// millisecond.
describe.each(engines)('migration 13 from version 12 data (%s)', (name, engine: Engine) => {
  let reader: Storage | undefined;
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
  });

  it('rebuilds heartbeats_base and reads the same history, newest first across hours', async () => {
    const db = await engine.db();
    const v12 = await atVersion(name, db, 12);
    const hour = 3_600_000;
    const h10 = Date.UTC(2026, 0, 5, 10); // 10:00 UTC
    const iso = (ms: number) => new Date(ms).toISOString();
    const full1 = makeReport('hb-13', { score: 30, level: 'medium' }, new Date(h10 + 58 * 60_000));
    const full2 = makeReport('hb-13', { score: 55, level: 'high' }, new Date(h10 + hour + 45 * 60_000));
    const insertFull = 'INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body, body_z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    await v12.exec(insertFull, [full1.reportId, 'hb-13', full1.collectedAt, h10 + 58 * 60_000, 30, 'medium', '127.0.0.1', '', compressBody(JSON.stringify(full1))]);
    await v12.exec(insertFull, [full2.reportId, 'hb-13', full2.collectedAt, h10 + hour + 45 * 60_000, 55, 'high', '127.0.0.1', '', compressBody(JSON.stringify(full2))]);
    await v12.exec('INSERT INTO devices (device_id, hostname, platform, agent_version, enrolled_at) VALUES (?, ?, ?, ?, ?)', ['hb-13', 'hb-13.local', 'linux', '0.1.0', iso(h10)]);
    // Several heartbeats in one hour, neighbours across 11:00 and 12:00 a millisecond apart, and two full rows' runs.
    const times1 = [58 * 60_000 + 30_000, hour - 60_000, hour - 1, hour, hour + 1, hour + 30 * 60_000].map((t) => h10 + t);
    const times2 = [hour + 50 * 60_000, 2 * hour - 1, 2 * hour, 2 * hour + 60_000].map((t) => h10 + t);
    const ids = new Map<number, string>();
    const beats = async (base: string, times: number[]) => {
      for (const t of [...times].reverse()) {
        const id = randomUUID();
        ids.set(t, id);
        const key = name === 'sqlite' ? Buffer.from(id.replace(/-/g, ''), 'hex') : id;
        await v12.exec('INSERT INTO heartbeats (id, base, received_ms, collected_ms) SELECT ?, id, ?, ? FROM reports WHERE report_id = ?', [key, t, t - 7, base]);
      }
    };
    await beats(full1.reportId as string, times1);
    await beats(full2.reportId as string, times2);
    await v12.close();

    reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    const sql = reader.sql;
    const index = name === 'postgres'
      ? (await sql.get<{ def: string }>("SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'heartbeats_base'"))?.def
      : (await sql.get<{ def: string }>("SELECT sql AS def FROM sqlite_master WHERE name = 'heartbeats_base'"))?.def;
    expect(index).toMatch(name === 'postgres' ? /\(base, \(\(received_ms \/ 3600000\)\)\)$/ : /\(base, received_ms \/ 3600000, received_ms\)$/);
    if (name === 'postgres') {
      // Time-ordered ids fill the id index from its right end: its splits leave the left page full.
      const options = await sql.get<{ o: string[] | null }>("SELECT reloptions AS o FROM pg_class WHERE relname = 'heartbeats_pkey'");
      expect(options?.o).toEqual(['fillfactor=100']);
    }

    const expected = [
      ...[...times2].reverse().map((t) => [ids.get(t), t, 55, iso(t - 7)]),
      [full2.reportId, h10 + hour + 45 * 60_000, 55, full2.collectedAt],
      ...[...times1].reverse().map((t) => [ids.get(t), t, 30, iso(t - 7)]),
      [full1.reportId, h10 + 58 * 60_000, 30, full1.collectedAt],
    ];
    const history = async (limit: number) => (await reader?.getDevice('hb-13', limit))?.history.map((h) => [h.reportId, Date.parse(h.receivedAt), h.score, h.collectedAt]);
    expect(await history(20)).toEqual(expected);
    // A limit that ends inside an hour takes the newest of it.
    for (const limit of [1, 3, 4, 7, 9]) expect(await history(limit), `limit ${limit}`).toEqual(expected.slice(0, limit));
    expect(JSON.parse((await storedBody(sql, ids.get(h10 + hour) as string, 'hb-13')) ?? 'null')).toEqual({ ...full1, reportId: ids.get(h10 + hour), collectedAt: iso(h10 + hour - 7) });

    // Retention at 11:00:00.001 (inside the hour) removes 11:00:00.000 and what came before, and keeps 11:00:00.001,
    // which takes over full1's row.
    await reader.prune(new Date(h10 + hour + 1), new Date(0));
    expect(await history(20)).toEqual([...expected.slice(0, 6), [ids.get(h10 + hour + 1), h10 + hour + 1, 30, iso(h10 + hour + 1 - 7)]]);
  });
});

// Version 14 lets a heartbeat's collected_ms be NULL (read from its id: server/db/heartbeat-key.ts). A version-13
// database keeps its heartbeats as they were, with their index, and takes NULLs afterwards.
describe.each(engines)('migration 14 from version 13 data (%s)', (name, engine: Engine) => {
  let reader: Storage | undefined;
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
  });

  it('keeps every heartbeat and its collected time, and then stores a stamped one without it', async () => {
    const db = await engine.db();
    const v13 = await atVersion(name, db, 13);
    const t0 = Date.UTC(2026, 0, 5, 10);
    const iso = (ms: number) => new Date(ms).toISOString();
    const full = makeReport('hb-14', { score: 30, level: 'medium' }, new Date(t0));
    await v13.exec('INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body, body_z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      full.reportId, 'hb-14', full.collectedAt, t0, 30, 'medium', '127.0.0.1', '', compressBody(JSON.stringify(full)),
    ]);
    await v13.exec('INSERT INTO devices (device_id, hostname, platform, agent_version, enrolled_at) VALUES (?, ?, ?, ?, ?)', ['hb-14', 'hb-14.local', 'linux', '0.1.0', iso(t0)]);
    const key = (id: string) => (name === 'sqlite' ? Buffer.from(id.replace(/-/g, ''), 'hex') : id);
    const old = [randomUUID(), randomUUID()];
    for (const [i, id] of old.entries()) {
      await v13.exec('INSERT INTO heartbeats (id, base, received_ms, collected_ms) SELECT ?, id, ?, ? FROM reports WHERE report_id = ?', [key(id), t0 + (i + 1) * 1000, t0 + (i + 1) * 1000 - 7, full.reportId]);
    }
    await v13.close();

    reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    const sql = reader.sql;
    if (name === 'sqlite') {
      expect((await sql.get<{ def: string }>("SELECT sql AS def FROM sqlite_master WHERE name = 'heartbeats_base'"))?.def).toMatch(/\(base, received_ms \/ 3600000, received_ms\)$/);
      expect((await sql.get<{ def: string }>("SELECT sql AS def FROM sqlite_master WHERE name = 'heartbeats'"))?.def).toMatch(/WITHOUT ROWID$/);
    }
    const stamped = newReportId(t0 + 2500);
    await sql.run('INSERT INTO heartbeats (id, base, received_ms, collected_ms) SELECT ?, id, ?, NULL FROM reports WHERE report_id = ?', [key(stamped), t0 + 3000, full.reportId]);
    const history = (await reader.getDevice('hb-14', 10))?.history.map((h) => [h.reportId, h.collectedAt]);
    expect(history).toEqual([[stamped, iso(t0 + 2500)], [old[1], iso(t0 + 2000 - 7)], [old[0], iso(t0 + 1000 - 7)], [full.reportId, full.collectedAt]]);
    expect(JSON.parse((await storedBody(sql, stamped, 'hb-14')) ?? 'null')).toEqual({ ...full, reportId: stamped, collectedAt: iso(t0 + 2500) });
  });
});
