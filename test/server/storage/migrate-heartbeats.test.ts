import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../../server/storage/migrations.js';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { compressBody, storedBody } from '../../../server/db/report-body.js';
import { factsHash } from '../../../server/ingest/report-facts.js';
import { hashToken } from '../../../server/tokens.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines, type Engine } from '../../helpers/engines.js';
import { cleanup, makeReport, postReport, startServer, type Running } from '../helpers.js';

type Exec = (sql: string, params?: unknown[]) => Promise<void>;

/** A database as version 10 left it: every migration up to 10 applied, by the engine's own runner's steps. */
async function atVersion10(name: string, db: string): Promise<{ exec: Exec; close: () => Promise<void> }> {
  const upTo10 = migrations.filter((m) => m.version <= 10);
  const ddl = 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';
  if (name === 'sqlite') {
    const d = new Database(db);
    d.exec(ddl);
    for (const m of upTo10) {
      d.exec(m.sqlite);
      d.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    return { exec: async (q, p = []) => void d.prepare(q).run(...p), close: async () => void d.close() };
  }
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  await c.query(ddl);
  for (const m of upTo10) {
    await c.query(m.postgres);
    await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
  }
  return {
    exec: async (q, p = []) => {
      let i = 0;
      await c.query(q.replace(/\?/g, () => `$${++i}`), p);
    },
    close: () => c.end(),
  };
}

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
    const v10 = await atVersion10(name, db);
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
