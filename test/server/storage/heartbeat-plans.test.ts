import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { heartbeatKey } from '../../../server/db/heartbeat-key.js';
import { hourOfMs } from '../../../server/db/heartbeat-order.js';
import { newestHeartbeatsSql } from '../../../server/db/report-history.js';
import { firstKeptHeartbeatsSql, pruneHeartbeatsSql } from '../../../server/storage/store.js';
import type { SqlDb } from '../../../server/db/sql/types.js';
import type { Storage } from '../../../server/storage/types.js';
import { engines, type Engine } from '../../helpers/engines.js';

const bases = 20;
const beatsPerBase = 250;
const beatEveryMs = 3 * 60_000; // 250 heartbeats 3 minutes apart: 12.5 hours of each full row
const rowEveryMs = 2 * 3_600_000; // a full row every 2 hours: 40 hours of reports, as a retention cutoff meets them
const t0 = Date.UTC(2026, 0, 5, 8, 17);

/** A realistic heartbeats table: `bases` full rows, each followed by its heartbeats over many hours. */
async function fill(sql: SqlDb): Promise<number[]> {
  const ids: number[] = [];
  for (let d = 0; d < bases; d++) {
    const at = t0 + d * rowEveryMs;
    await sql.run("INSERT INTO reports (report_id, device_id, collected_at, received_ms, score, level, source_ip, body) VALUES (?, ?, ?, ?, 0, 'none', '127.0.0.1', '')", [
      randomUUID(), `plan-${d}`, new Date(at).toISOString(), at,
    ]);
    const row = await sql.get<{ id: number | string }>('SELECT id FROM reports WHERE device_id = ?', [`plan-${d}`]);
    const base = Number(row?.id);
    ids.push(base);
    const values: unknown[] = [];
    for (let i = 1; i <= beatsPerBase; i++) values.push(heartbeatKey(sql, randomUUID()), base, at + i * beatEveryMs, at + i * beatEveryMs - 5);
    await sql.run(`INSERT INTO heartbeats (id, base, received_ms, collected_ms) VALUES ${Array.from({ length: beatsPerBase }, () => '(?, ?, ?, ?)').join(', ')}`, values);
  }
  return ids;
}

/** The plan of a statement, one line per node (PostgreSQL's EXPLAIN, SQLite's EXPLAIN QUERY PLAN details). */
async function plan(sql: SqlDb, statement: string, params: unknown[]): Promise<string[]> {
  if (sql.dialect === 'postgres') return (await sql.all<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${statement}`, params)).map((r) => r['QUERY PLAN']);
  return (await sql.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, params)).map((r) => r.detail);
}

// Every read of a full row's heartbeats by time goes through heartbeats_base in its order: PostgreSQL with an
// Incremental Sort within each indexed hour (or none), SQLite walking the index as stored; never a scan of the whole
// table, nor a sort of all of a full row's heartbeats. A change of query text or index that loses this fails here.
describe.each(engines)('heartbeat reads use heartbeats_base in order (%s)', (name, engine: Engine) => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it('plans every ordered or ranged heartbeat read on the index', async () => {
    const db = await engine.db();
    storage = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    const sql = storage.sql;
    const ids = await fill(sql);
    // PostgreSQL plans on statistics, as autovacuum keeps them; SQLite runs unanalyzed, as the server leaves it.
    if (name === 'postgres') await sql.run('ANALYZE');
    const cutoff = t0 + 3 * 3_600_000; // two full rows older, their heartbeats partly
    const plans = {
      history: await plan(sql, newestHeartbeatsSql, [ids[7], 20]),
      firstKept: await plan(sql, firstKeptHeartbeatsSql, [cutoff]),
      prune: await plan(sql, pruneHeartbeatsSql, [cutoff, hourOfMs(cutoff), cutoff]),
    };
    for (const [query, lines] of Object.entries(plans)) {
      const text = `${query}:\n${lines.join('\n')}`;
      if (name === 'postgres') {
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
    if (name === 'postgres') {
      expect(plans.history.join('\n')).toMatch(/Limit\n\s+->  Incremental Sort\n.*\n.*\n\s+->  Index Scan Backward using heartbeats_base on heartbeats\n\s+Index Cond: \(base = /);
      expect(plans.firstKept.filter((l) => /Index Scan using heartbeats_base on heartbeats h/.test(l)).length).toBeGreaterThan(0);
      expect(plans.prune.join('\n')).toMatch(/Index Scan using heartbeats_base on heartbeats h\n\s+Index Cond: \(\(base = b\.id\) AND \(\(received_ms \/ 3600000\) <= /);
    } else {
      expect(plans.history).toEqual(['SEARCH heartbeats USING INDEX heartbeats_base (base=?)']);
      expect(plans.firstKept.filter((l) => l === 'SEARCH h USING COVERING INDEX heartbeats_base (base=?)').length).toBeGreaterThan(0);
      expect(plans.prune).toContain('SEARCH h USING COVERING INDEX heartbeats_base (base=? AND <expr><?)');
    }
  });
});
