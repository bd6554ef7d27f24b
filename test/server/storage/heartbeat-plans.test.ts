import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { hourOfMs } from '../../../server/db/heartbeat-order.js';
import { newestHeartbeatsSql } from '../../../server/db/report-history.js';
import { firstKeptHeartbeatsSql, pruneHeartbeatsSql } from '../../../server/storage/store.js';
import type { SqlDb } from '../../../server/db/sql/types.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines, type Engine } from '../../helpers/engines.js';
import { atVersion, type Exec } from './at-version.js';

const hour = 3_600_000;
const t0 = Date.UTC(2026, 0, 5, 8, 17);
/** Full rows as a retention cutoff meets them: one of a laptop whose facts have not changed for six weeks (12,000
 *  heartbeats 5 minutes apart from 30 days before t0), then 20 more, 2 hours apart, each followed by 250 heartbeats 3
 *  minutes apart (12.5 hours). Inserted in this order into a new database, their `reports.id`s are 1 to 21. */
const rows = [
  { at: t0 - 30 * 24 * hour, beats: 12_000, every: 5 * 60_000 },
  ...Array.from({ length: 20 }, (_, d) => ({ at: t0 + d * 2 * hour, beats: 250, every: 3 * 60_000 })),
];
const longBase = 1;
const shortBase = 9;
/** As a daily retention run meets them: the long-lived row is older, and its first day of heartbeats. */
const cutoff = t0 - 29 * 24 * hour;

async function fill(exec: Exec, sqlite: boolean): Promise<void> {
  for (const [d, row] of rows.entries()) {
    await exec("INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES (?, ?, ?, ?, 0, 'none', '127.0.0.1', '')", [
      randomUUID(), `plan-${d}`, new Date(row.at).toISOString(), row.at,
    ]);
    for (let from = 1; from <= row.beats; from += 250) {
      const values: unknown[] = [];
      for (let i = from; i < from + 250 && i <= row.beats; i++) {
        const id = randomUUID();
        values.push(sqlite ? Buffer.from(id.replace(/-/g, ''), 'hex') : id, d + 1, row.at + i * row.every, row.at + i * row.every - 5);
      }
      await exec(`INSERT INTO heartbeats (id, base, received_ms, collected_ms) VALUES ${Array.from({ length: values.length / 4 }, () => '(?, ?, ?, ?)').join(', ')}`, values);
    }
  }
}

/** The plan of a statement, one line per node (PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN details). */
async function plan(sql: SqlDb, statement: string, params: unknown[]): Promise<string[]> {
  if (sql.dialect === 'postgres') return (await sql.all<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${statement}`, params)).map((r) => r['QUERY PLAN']);
  return (await sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, params)).map((r) => r.detail);
}

/** Every ordered or ranged read of a full row's heartbeats, planned on `sql`, asserted to go through heartbeats_base in order. */
async function expectIndexedInOrder(sql: SqlDb): Promise<void> {
  expect((await sql.all<{ id: number | string }>('SELECT id FROM reports ORDER BY id')).map((r) => Number(r.id))).toEqual(rows.map((_, i) => i + 1));
  const plans = {
    history: await plan(sql, newestHeartbeatsSql, [shortBase, 20]),
    historyOfLongRun: await plan(sql, newestHeartbeatsSql, [longBase, 20]),
    firstKept: await plan(sql, firstKeptHeartbeatsSql, [cutoff]),
    prune: await plan(sql, pruneHeartbeatsSql, [cutoff, hourOfMs(cutoff), cutoff]),
  };
  for (const [query, lines] of Object.entries(plans)) {
    const text = `${query}:\n${lines.join('\n')}`;
    if (sql.dialect === 'postgres') {
      // Heartbeats are reached only through an index (heartbeats_base by full row, the primary key by id)...
      expect(lines.filter((l) => /\bScan\b.* on heartbeats\b/.test(l) && !/Index Scan( Backward)? using heartbeats_(base|pkey) on heartbeats\b/.test(l)), text).toEqual([]);
      // ...and nothing sorts whole: a sort is incremental, within each indexed hour.
      expect(lines.filter((l) => /^\s*(->\s+)?Sort\s*$/.test(l)), text).toEqual([]);
      for (const [i, l] of lines.entries()) if (/Incremental Sort/.test(l)) expect(lines[i + 2], text).toMatch(/Presorted Key: \(\((h\.|h_\d\.)?received_ms \/ 3600000\)\)$/);
    } else {
      expect(lines.filter((l) => /TEMP B-TREE/.test(l)), text).toEqual([]);
      expect(lines.filter((l) => /^(SCAN|SEARCH) (heartbeats|h)\b/.test(l) && !/^SEARCH (heartbeats|h) USING (COVERING INDEX heartbeats_base|INDEX heartbeats_base|PRIMARY KEY) /.test(l)), text).toEqual([]);
    }
  }
  if (sql.dialect === 'postgres') {
    const history = /Limit\n\s+->  Incremental Sort\n.*\n.*\n\s+->  Index Scan Backward using heartbeats_base on heartbeats\n\s+Index Cond: \(base = /;
    expect(plans.history.join('\n')).toMatch(history);
    expect(plans.historyOfLongRun.join('\n')).toMatch(history);
    expect(plans.firstKept.filter((l) => /Index Scan using heartbeats_base on heartbeats h/.test(l)).length).toBeGreaterThan(0);
    expect(plans.prune.join('\n')).toMatch(/Index Scan using heartbeats_base on heartbeats h\n\s+Index Cond: \(\(base = b\.id\) AND \(\(received_ms \/ 3600000\) <= /);
  } else {
    expect(plans.history).toEqual(['SEARCH heartbeats USING INDEX heartbeats_base (base=?)']);
    expect(plans.historyOfLongRun).toEqual(['SEARCH heartbeats USING INDEX heartbeats_base (base=?)']);
    expect(plans.firstKept.filter((l) => l === 'SEARCH h USING COVERING INDEX heartbeats_base (base=?)').length).toBeGreaterThan(0);
    expect(plans.prune).toContain('SEARCH h USING COVERING INDEX heartbeats_base (base=? AND <expr><?)');
  }
}

// Every read of a full row's heartbeats by time goes through heartbeats_base in its order: PostgreSQL with an
// Incremental Sort within each indexed hour, SQLite walking the index as stored; never a scan of the whole table, nor
// a sort of all of a full row's heartbeats (a six-week run is 12,000). A change of query text or index that loses this
// fails here.
describe.each(engines)('heartbeat reads use heartbeats_base in order (%s)', (name, engine: Engine) => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });
  const open = async (db: string) => (storage = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db));

  it('on a database kept analyzed (PostgreSQL: as autovacuum keeps it; SQLite: never, as the server leaves it)', async () => {
    const sql = (await open(await engine.db())).sql;
    await fill((q, p) => sql.run(q, p).then(() => undefined), name === 'sqlite');
    if (name === 'postgres') await sql.run('ANALYZE');
    await expectIndexedInOrder(sql);
  });

  it('right after the upgrade from version 12, before any other ANALYZE', async () => {
    const db = await engine.db();
    const v12 = await atVersion(name, db, 12);
    await fill(v12.exec, name === 'sqlite');
    // Statistics as autovacuum kept them under version 12: none yet for the rebuilt index's expression.
    if (name === 'postgres') await v12.exec('ANALYZE');
    await v12.close();
    await expectIndexedInOrder((await open(db)).sql);
  });
});

// What the hour is for: PostgreSQL's B-tree deduplication stores the heartbeats of one full row and hour as one key
// with a posting list. An index of the same columns with deduplication off, built beside it on the same rows, shows
// that it applies (it would not with INCLUDE columns or a nondeterministic type).
describe.each(engines.filter(([name]) => name === 'postgres'))('heartbeats_base is deduplicated (%s)', (_name, engine: Engine) => {
  it("keeps an hour of a full row's heartbeats in under half the pages of the same index undeduplicated", async () => {
    const storage = await openPostgres({ url: await engine.db() });
    try {
      const sql = storage.sql;
      const at = Date.UTC(2026, 0, 5, 9);
      // Both filled by the same inserts (four full rows' runs side by side, 3 s apart within one hour).
      await sql.run('CREATE INDEX heartbeats_base_plain ON heartbeats(base, (received_ms / 3600000)) WITH (deduplicate_items = off)');
      for (let base = 1; base <= 4; base++) {
        for (let from = 0; from < 1000; from += 250) {
          const values = Array.from({ length: 250 }, (_, i) => [randomUUID(), base, at + (from + i) * 3000, at]).flat();
          await sql.run(`INSERT INTO heartbeats (id, base, received_ms, collected_ms) VALUES ${Array.from({ length: 250 }, () => '(?, ?, ?, ?)').join(', ')}`, values);
        }
      }
      const size = async (index: string) => Number((await sql.get<{ n: string }>(`SELECT pg_relation_size('${index}') AS n`))?.n);
      const [deduplicated, plain] = [await size('heartbeats_base'), await size('heartbeats_base_plain')];
      expect(deduplicated, `${deduplicated} B against ${plain} B`).toBeLessThan(plain / 2);
    } finally {
      await storage.close();
    }
  });

  // The upgrade analyzes heartbeats it finds; a new database's empty table is left for autovacuum, or the planner
  // would take it for empty while it fills (until autovacuum looks again, a minute or more).
  it('a new database leaves the empty heartbeats table unanalyzed; an upgraded one with heartbeats is analyzed', async () => {
    // reltuples: -1 until the first ANALYZE (or VACUUM), then what it counted.
    const analyzed = async (sql: SqlDb) => Number((await sql.get<{ n: string }>("SELECT reltuples AS n FROM pg_class WHERE relname = 'heartbeats'"))?.n);
    const fresh = await openPostgres({ url: await engine.db() });
    try {
      expect(await analyzed(fresh.sql)).toBe(-1);
    } finally {
      await fresh.close();
    }
    const db = await engine.db();
    const v12 = await atVersion('postgres', db, 12);
    await fill(v12.exec, false);
    await v12.close();
    const upgraded = await openPostgres({ url: db });
    try {
      expect(await analyzed(upgraded.sql)).toBeGreaterThan(0);
    } finally {
      await upgraded.close();
    }
  });
});
