import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../schema/report.js';
import { pgIngest, textArray } from '../../../server/storage/pg-ingest.js';
import { openPostgres } from '../../../server/storage/pg.js';
import { compile, jsonRows, pgBatcher } from '../../../server/db/sql/pg-batch.js';
import { runLockstep, type BatchRunner } from '../../../server/db/sql/lockstep.js';
import { own, run, runEach, type Steps } from '../../../server/db/sql/steps.js';
import type { IngestItem, IngestPolicy } from '../../../server/ingest/item.js';
import type { Storage } from '../../../server/storage/types.js';
import { pgSkipReason, pgUrl } from '../../helpers/engines.js';
import { freshDatabase } from '../../helpers/pg-cluster.js';

const policy: IngestPolicy = {
  colocation: { minDevices: 3, windowHours: 24 },
  intel: {
    geo: false, expectedCountries: [], hostingAsns: [], travel: { maxSpeedKmh: 1000, slackKm: 100 },
    rareTool: { maxPercent: 1, minFleetDevices: 20 }, fingerprint: { maxDiffMs: 5, maxDiffRatio: 0.2, minCommonAnchors: 1 }, windowHours: 24,
  },
};

const t0 = Date.parse('2026-03-01T10:00:00.000Z');
let reportSeq = 0;
const finding = (rule: string, subject: string) => ({ rule, title: rule, severity: 'medium', confidence: 0.8, weight: 0.5, group: rule.split('.')[0], subject, evidence: { subject } });

/** One report of `deviceId` received at t0 + `ms`, from `gateway` (a place of fleet.colocation). */
function item(deviceId: string, ms: number, gateway: string, over: { reportId?: string; tool?: string } = {}): IngestItem {
  const at = new Date(t0 + ms);
  const report = {
    reportId: over.reportId ?? `r-${++reportSeq}`, deviceId, agentVersion: '0.1.0', collectedAt: at.toISOString(), sentAt: at.toISOString(),
    nextReportBy: new Date(t0 + ms + 330_000).toISOString(), score: 55, level: 'medium',
    findings: [finding('remote-access.running', over.tool ?? 'anydesk'), finding('network.vpn', 'astrill')],
    agent: { version: '0.1.0', configHash: 'f'.repeat(64), health: { cpuMs: 61, wallMs: 410, rssMiB: 62, forks: 1, spoolEntries: 0 } },
    identity: { timezone: 'America/Chicago', gatewayMac: gateway, wifiBssid: `wifi-${gateway}` },
  } as unknown as Report;
  return { report, body: JSON.stringify(report), sourceIp: `10.0.0.${Number(deviceId.slice(4)) + 1}`, sourceIsOffice: false, receivedAt: at };
}

const devices = Array.from({ length: 12 }, (_, i) => `lap-${String(i).padStart(2, '0')}`);

async function enrollAll(storage: Storage): Promise<void> {
  for (const d of devices) await storage.enroll({ deviceId: d, hostname: d, platform: 'linux', agentVersion: '0.1.0', tokenHash: Buffer.alloc(32, Number(d.slice(4)) + 1), at: new Date(t0 - 3_600_000) });
}

/** Everything the ingest writes, in a stable order, without what is random by design (an event's uid). */
async function dump(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, string[]> = {};
    for (const table of ['reports', 'devices', 'alerts', 'presence', 'fleet_counts', 'fleet_members', 'tool_devices', 'outbox', 'nonces', 'report_verdicts']) {
      const { rows } = await client.query(`SELECT * FROM ${table}`);
      out[table] = rows
        .map((r: Record<string, unknown>) => {
          // A report row's id is a sequence's too (an insert that meets a duplicate uses one up): heartbeats name rows by it.
          if (table === 'reports') r.id = undefined;
          // An outbox row's times are the wall clock's when it was written; its id is a sequence's, which a rolled-back
          // attempt (a batch run again) leaves a gap in.
          if (typeof r.event === 'string') Object.assign(r, { event: { ...(JSON.parse(r.event) as object), uid: undefined }, id: undefined, created_ms: undefined, next_attempt_ms: undefined });
          if (Buffer.isBuffer(r.token_hash)) r.token_hash = r.token_hash.toString('hex');
          return JSON.stringify(r);
        })
        .sort();
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * Two dumps hold the same rows, but for presence times within the presence memo's lag (server/ingest/presence.ts): one
 * report at a time, a device's second report within a minute of its first, committed one leaves its presence rows as
 * they were; side by side in one batch nothing is committed before both ran, so both write. Returns the presence rows
 * whose times differ.
 */
function expectSameStore(batched: Record<string, string[]>, single: Record<string, string[]>): string[] {
  const timeless = (d: Record<string, string[]>) => ({
    ...d,
    presence: (d.presence ?? []).map((r) => JSON.stringify({ ...(JSON.parse(r) as object), last_seen_ms: undefined })).sort(),
  });
  expect(timeless(batched)).toEqual(timeless(single));
  const timeOf = (d: Record<string, string[]>) =>
    new Map((d.presence ?? []).map((r) => JSON.parse(r) as { kind: string; place: string; device_id: string; last_seen_ms: string }).map((r) => [`${r.kind} ${r.place} ${r.device_id}`, Number(r.last_seen_ms)]));
  const one = timeOf(single);
  const moved: string[] = [];
  for (const [key, at] of timeOf(batched)) {
    const was = one.get(key)!;
    if (at === was) continue;
    moved.push(key);
    expect(at).toBeGreaterThan(was);
    expect(at - was).toBeLessThan(60_000);
  }
  return moved.sort();
}

describe.skipIf(pgSkipReason !== undefined)('PostgreSQL ingest in batches', () => {
  it('derives multi-row statements from the single ones', () => {
    const ins = compile('run', 'INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING', ['text', 'bigint'], ['a']);
    expect(ins.text).toBe('INSERT INTO t (a, b) SELECT batch.batch_p1, batch.batch_p2 FROM ROWS FROM (json_to_recordset(CAST(? AS json)) AS ("1" text, "2" bigint)) WITH ORDINALITY AS batch(batch_p1, batch_p2, batch_i)  ON CONFLICT DO NOTHING RETURNING a');
    const upd = compile('all', "UPDATE t SET s = s || ' (x?)', n = ? WHERE k = ? RETURNING id", ['integer', 'text']);
    expect(upd.text).toBe(`UPDATE t SET s = s || ' (x?)', n = batch.batch_p1  FROM ROWS FROM (json_to_recordset(CAST(? AS json)) AS ("1" integer, "2" text)) WITH ORDINALITY AS batch(batch_p1, batch_p2, batch_i) WHERE k = batch.batch_p2  RETURNING batch.batch_i,  id`);
    const sel = compile('get', 'SELECT n FROM c WHERE key = ?', ['text']);
    expect(sel.text).toContain('CROSS JOIN LATERAL (SELECT n FROM c WHERE key = batch.batch_p1) AS s');
    const del = compile('run', 'DELETE FROM t WHERE k = ? AND n < (SELECT n FROM t WHERE k = ? ORDER BY n DESC LIMIT 1 OFFSET 1)', ['text', 'text']);
    expect(del.text).toBe(
      'DELETE FROM t USING ROWS FROM (json_to_recordset(CAST(? AS json)) AS ("1" text, "2" text)) WITH ORDINALITY AS batch(batch_p1, batch_p2, batch_i) WHERE k = batch.batch_p1 AND n < (SELECT n FROM t WHERE k = batch.batch_p2 ORDER BY n DESC LIMIT 1 OFFSET 1) RETURNING batch.batch_i',
    );
    expect(compile('run', 'DELETE FROM t WHERE k = ? RETURNING n', ['text']).text).toMatch(/WHERE k = batch\.batch_p1 RETURNING batch\.batch_i,\s+n$/);
    expect(() => compile('run', 'DELETE FROM t AS x WHERE x.k = ?', ['text'])).toThrow(/alias/);
    expect(() => compile('run', 'DELETE FROM t', ['text'])).toThrow(/DELETE FROM t WHERE/);
  });

  it('binds every kind of value through the json parameter as the single statement binds it', async () => {
    expect(jsonRows(3, [['a', null, 1], [undefined, true, 2n]])).toBe('[{"1":"a","3":1},{"2":1,"3":2}]');
    const url = await freshDatabase(pgUrl!);
    const storage = await openPostgres({ url });
    try {
      const insert = 'INSERT INTO bind_probe (k, t, n, b, z) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
      const values: unknown[][] = [
        [1, 'plain', 42, true, Buffer.from([0, 1, 0xfe, 0xff])],
        [2, 'quote " backslash \\ brace {} comma , NULL', -9_007_199_254_740_991, false, Buffer.alloc(0)],
        [3, 'emoji 🖥️ and a lone surrogate \ud800 and \u2028', 9_007_199_254_740_991n, null, null],
        [4, "json {\"a\":1} and 'single' and \\x00", null, undefined, new Uint8Array([92, 120])],
        [5, '', 0, 1, Buffer.from('\\x41')],
      ];
      const stored = async (batched: boolean) =>
        storage.sql.transaction(async (tx) => {
          await tx.run('CREATE TEMP TABLE bind_probe (k INTEGER PRIMARY KEY, t TEXT, n BIGINT, b INTEGER, z BYTEA) ON COMMIT DROP');
          if (batched) await pgBatcher()(tx, 'run', insert, { key: ['k'] }, values);
          else for (const v of values) await tx.run(insert, v.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : x)));
          return tx.all('SELECT k, t, n, b, z FROM bind_probe ORDER BY k');
        });
      const one = await stored(false);
      expect(one).toHaveLength(values.length);
      expect(await stored(true)).toEqual(one);
    } finally {
      await storage.close();
    }
  });

  it("puts an each step's parameter sets into the statement beside the other reports' steps", async () => {
    const url = await freshDatabase(pgUrl!);
    const storage = await openPostgres({ url });
    try {
      const touch = 'UPDATE each_probe SET n = n + 1 WHERE k = ?';
      const got = await storage.sql.transaction(async (tx) => {
        await tx.run('CREATE TEMP TABLE each_probe (k TEXT PRIMARY KEY, n INTEGER) ON COMMIT DROP');
        await tx.run("INSERT INTO each_probe (k, n) VALUES ('a', 0), ('b', 0), ('c', 0)");
        const batcher = pgBatcher();
        let statements = 0;
        const counted: BatchRunner = (...args) => {
          statements++;
          return batcher(...args);
        };
        function* first(): Steps<number[]> {
          return (yield* runEach(touch, [['a'], ['missing'], ['b']], own)).map((r) => r.changes);
        }
        function* second(): Steps<number[]> {
          return [(yield* run(touch, ['c'], own)).changes];
        }
        const out = await runLockstep(tx, [{ group: 'd1', steps: first() }, { group: 'd2', steps: second() }], counted);
        return { out, statements, rows: await tx.all('SELECT k, n FROM each_probe ORDER BY k') };
      });
      expect(got.out).toEqual([[1, 0, 1], [1]]);
      expect(got.statements).toBe(1);
      expect(got.rows).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: 1 }, { k: 'c', n: 1 }]);
    } finally {
      await storage.close();
    }
  });

  it('deletes in one statement what the single statements delete one by one', async () => {
    const url = await freshDatabase(pgUrl!);
    const storage = await openPostgres({ url });
    try {
      const trim = 'DELETE FROM keep_newest WHERE k = ? AND n < (SELECT n FROM keep_newest WHERE k = ? ORDER BY n DESC LIMIT 1 OFFSET 2)';
      const left = async (batched: boolean) =>
        storage.sql.transaction(async (tx) => {
          await tx.run('CREATE TEMP TABLE keep_newest (k TEXT, n INTEGER) ON COMMIT DROP');
          for (const k of ['a', 'b', 'c']) for (let n = 0; n < (k === 'c' ? 2 : 6); n++) await tx.run('INSERT INTO keep_newest (k, n) VALUES (?, ?)', [k, n]);
          const each = [['a', 'a'], ['c', 'c'], ['b', 'b']];
          const changes: unknown[] = [];
          if (batched) changes.push(...(await pgBatcher()(tx, 'run', trim, {}, each)));
          else for (const p of each) changes.push({ changes: (await tx.run(trim, p)).changes });
          const rows = await tx.all('SELECT k, n FROM keep_newest ORDER BY k, n');
          return { changes, rows };
        });
      const one = await left(false);
      expect(one.changes).toEqual([{ changes: 3 }, { changes: 0 }, { changes: 3 }]);
      expect(await left(true)).toEqual(one);
    } finally {
      await storage.close();
    }
  });

  // The batch: devices already known to the fleet (steady state), with a report sent twice, one report id sent by two
  // devices, two reports of one device, three devices arriving at one gateway (a co-location cluster forms inside the
  // batch) and a silent device reporting again.
  const batch = (): IngestItem[] => {
    const farm = devices.slice(0, 4).map((d, i) => item(d, 600_000 + i, 'gw-farm'));
    const twice = item('lap-05', 600_010, 'gw-5');
    const clash = item('lap-07', 600_012, 'gw-7', { reportId: 'same-id' });
    const clash2 = item('lap-08', 600_013, 'gw-8', { reportId: 'same-id' });
    return [
      ...farm,
      twice, { ...twice }, clash, clash2,
      item('lap-06', 600_020, 'gw-6'), item('lap-06', 600_030, 'gw-6'),
      item('lap-09', 600_040, 'gw-9'),
      ...devices.slice(10).map((d, i) => item(d, 600_050 + i, `gw-${d}`)),
      item('lap-03', 600_060, 'gw-farm'),
    ];
  };

  it('stores the same as one report at a time, and spends a fraction of the round trips', async () => {
    const urls = [await freshDatabase(pgUrl!), await freshDatabase(pgUrl!)];
    const stores = await Promise.all(urls.map((url) => openPostgres({ url, forwarders: ['siem'] })));
    try {
      // Both fleets start alike: every device reported once from its own gateway, and lap-11 is silent.
      for (const storage of stores) {
        await enrollAll(storage);
        reportSeq = 0;
        for (const [i, d] of devices.entries()) await storage.ingest([item(d, i, `gw-${d}`)], policy);
        await storage.checkSilence(new Date(t0 + 80 * 3_600_000), 72);
      }
      reportSeq = 1000;
      const items = batch();
      reportSeq = 1000;
      const again = batch();
      const [batched, single] = stores as [Storage, Storage];
      const stats = (batched.ingest as unknown as { stats: { batches: number; serialBatches: number } }).stats;
      const outcomes = await batched.ingest(items, policy);
      const one: string[] = [];
      for (const it of again) one.push(...(await single.ingest([it], policy)));
      expect(outcomes).toEqual(one);
      expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(2);
      // Side by side, not the one-at-a-time fallback.
      expect(stats.serialBatches).toBe(0);
      const [a, b] = await Promise.all(urls.map(dump));
      // Only the second reports of lap-03 and lap-06 (sent within a minute of their first) differ, and only in time.
      expect(expectSameStore(a!, b!)).toEqual(['gateway gw-6 lap-06', 'gateway gw-farm lap-03', 'ip 10.0.0.4 lap-03', 'ip 10.0.0.7 lap-06', 'wifi wifi-gw-6 lap-06', 'wifi wifi-gw-farm lap-03']);
      // The verdict log too: written by the batch's own statements, the same rows as one report at a time.
      expect(a!.report_verdicts!.length).toBe(devices.length + outcomes.filter((o) => o === 'accepted').length);
      expect(a!.alerts!.some((r) => r.includes('"fleet.colocation"') && r.includes('lap-00'))).toBe(true);
      expect(a!.alerts!.filter((r) => r.includes('fleet.silent-agent') && r.includes('"resolved"')).length).toBeGreaterThan(3);

      // A tool new to the fleet moves a count other reports of the batch read: that batch runs one report at a time.
      const next = (ms: number) => [item('lap-04', ms, 'gw-farm'), item('lap-09', ms + 1, 'gw-9', { tool: 'rustdesk' }), item('lap-10', ms + 2, 'gw-lap-10', { tool: 'rustdesk' }), item('lap-11', ms + 3, 'gw-lap-11')];
      reportSeq = 3000;
      const third = await batched.ingest(next(900_000), policy);
      reportSeq = 3000;
      const thirdOne: string[] = [];
      for (const it of next(900_000)) thirdOne.push(...(await single.ingest([it], policy)));
      expect(third).toEqual(thirdOne);
      expect(stats.serialBatches).toBe(1);
      expectSameStore(await dump(urls[0]!), await dump(urls[1]!));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('locks devices whose ids carry quotes, backslashes, braces and commas (the locks go as a quoted literal)', async () => {
    const url = await freshDatabase(pgUrl!);
    const storage = await openPostgres({ url });
    try {
      const hostile = ['lap-"00', "lap-'01", 'lap-\\02', 'lap-{03},', 'lap-04\'); SELECT 1; --', 'lap-\\"05\\', 'lap-NULL', 'lap- 07 '];
      expect((await storage.sql.get<{ a: string[] }>(`SELECT ${pg.escapeLiteral(textArray(hostile))}::text[] AS a`))?.a).toEqual(hostile);
      expect(() => textArray(['lap-\0'])).toThrow(/NUL/);
      for (const [i, d] of hostile.entries()) await storage.enroll({ deviceId: d, hostname: `h${i}`, platform: 'linux', agentVersion: '0.1.0', tokenHash: Buffer.alloc(32, 100 + i), at: new Date(t0 - 3_600_000) });
      reportSeq = 5000;
      // Known to the fleet first (a first report moves the fleet counts), then one batch of all of them side by side.
      for (const [i, d] of hostile.entries()) await storage.ingest([{ ...item('lap-00', i, 'gw-h'), report: { ...item('lap-00', i, 'gw-h').report, deviceId: d } }], policy);
      const batch = hostile.map((d, i) => {
        const it = item('lap-00', 60_000 + i, 'gw-h');
        return { ...it, report: { ...it.report, deviceId: d } };
      });
      expect(await storage.ingest(batch, policy)).toEqual(hostile.map(() => 'accepted'));
      const stored = await storage.sql.all<{ device_id: string }>('SELECT DISTINCT device_id FROM reports ORDER BY device_id');
      expect(stored.map((r) => r.device_id).sort()).toEqual([...hostile].sort());
    } finally {
      await storage.close();
    }
  });

  describe('round trips', () => {
    let url: string;
    let pool: pg.Pool;
    let queries = 0;
    beforeAll(async () => {
      url = await freshDatabase(pgUrl!);
      const storage = await openPostgres({ url });
      await enrollAll(storage);
      reportSeq = 2000;
      for (const [i, d] of devices.entries()) await storage.ingest([item(d, i, 'gw-office')], policy);
      await storage.close();
      pool = new pg.Pool({ connectionString: url, max: 2 });
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
          queries++;
          return query(...args);
        };
      });
    });
    afterAll(async () => pool?.end());

    it('falls to a fraction of one per report in steady state', async () => {
      const ingest = pgIngest(pool, []);
      const round = (ms: number) => devices.map((d, i) => item(d, ms + i, 'gw-office'));
      // Warm: the batch forms' parameter types are asked of PostgreSQL once per statement.
      await ingest(round(60_000), policy);
      queries = 0;
      for (const it of round(120_000)) await ingest([it], policy);
      const oneByOne = queries / devices.length;
      queries = 0;
      expect(await ingest(round(180_000), policy)).toEqual(devices.map(() => 'accepted'));
      const batched = queries / devices.length;
      expect(ingest.stats.serialBatches).toBe(0);
      expect(oneByOne).toBeGreaterThan(10);
      console.log(`pg queries per report: one by one ${oneByOne.toFixed(2)}, in one batch of ${devices.length} ${batched.toFixed(2)}`);
      expect(batched).toBeLessThan(3);
      expect(batched).toBeLessThan(oneByOne / 5);
    });

    it('keeps one batch in flight by default: calls that arrive meanwhile go together as the next one', async () => {
      const ingest = pgIngest(pool, []);
      const outcomes = await Promise.all(devices.map((d, i) => ingest([item(d, 240_000 + i, 'gw-office')], policy)));
      expect(outcomes.flat()).toEqual(devices.map(() => 'accepted'));
      // The first call starts alone; the eleven that arrived while it ran are the second batch.
      expect(ingest.stats.batches).toBe(2);
      const two = pgIngest(pool, [], { concurrency: 2 });
      await Promise.all(devices.map((d, i) => two([item(d, 300_000 + i, 'gw-office')], policy)));
      expect(two.stats.batches).toBe(3);
    });

    it('lets the next batch start while one runs a report at a time (a tool new to the fleet inside it)', async () => {
      const ingest = pgIngest(pool, []);
      const done: string[] = [];
      // The first of eight reports names a tool the fleet has not seen: its count moves after the seven others read theirs.
      const rollout = ingest(devices.slice(0, 8).map((d, i) => item(d, 360_000 + i, 'gw-office', i === 0 ? { tool: 'tool-new-to-the-fleet' } : {})), policy).then((o) => {
        done.push('rollout');
        return o;
      });
      const steady = ingest([item('lap-11', 360_100, 'gw-office')], policy).then((o) => {
        done.push('steady');
        return o;
      });
      expect(await rollout).toEqual(devices.slice(0, 8).map(() => 'accepted'));
      expect(await steady).toEqual(['accepted']);
      expect(ingest.stats.serialBatches).toBe(1);
      // Eight reports one by one take far longer than one steady report: it did not wait behind them.
      expect(done).toEqual(['steady', 'rollout']);
    });
  });
});
