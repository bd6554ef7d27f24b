import { describe, expect, it } from 'vitest';
import { listText, recordVerdict, storedFindingsJson, verdictLog, verdictsPerDevice, verdictWriter } from '../../../server/cases/verdict-log.js';
import { verdictTrims } from '../../../server/cases/verdict-trim.js';
import { compressBody } from '../../../server/db/report-body.js';
import { runLockstep, type BatchRunner } from '../../../server/db/sql/lockstep.js';
import { pgBatcher } from '../../../server/db/sql/pg-batch.js';
import type { Step } from '../../../server/db/sql/steps.js';
import type { SqlDb } from '../../../server/db/sql/types.js';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import type { Finding } from '../../../rules/types.js';
import type { Report } from '../../../schema/report.js';
import { engines, pgSkipReason, pgUrl } from '../../helpers/engines.js';
import { freshDatabase } from '../../helpers/pg-cluster.js';

const t0 = Date.parse('2026-02-01T00:00:00.000Z');
const overshoot = 31;

const hostile: Finding[] = [
  { rule: 'q.quotes', title: `it's "quoted" \\ back\\slashed \\u0000 '); DROP TABLE report_verdicts; --`, severity: 'high', confidence: 0.9, weight: 0.5, group: 'g', evidence: { path: 'C:\\Users\\"x"\\', sql: "a'b" } },
  { rule: 'q.surrogates', title: `lone \ud800 and \udfff, a pair \ud83d\ude00, NUL \u0000`, severity: 'low', confidence: 1, subject: '\udc00', evidence: { s: 'x\ud800y' } },
  { rule: 'q.long', title: 'long', severity: 'medium', confidence: 0.5, evidence: { blob: 'z'.repeat(5_000) } },
  { rule: 'q.json', title: '[not a list', severity: 'low', confidence: 0.1, suppressed: true, suppressedBy: 'x', attack: ['T1219'], evidence: { nested: [{ a: [1, '2', null] }] } },
] as Finding[];

const report = (id: string, findings: readonly Finding[] = hostile, deviceId = 'lap-1'): Report =>
  ({ reportId: id, deviceId, collectedAt: new Date(t0).toISOString(), score: 40, level: 'medium', findings, agent: { version: '0.1.0', configHash: 'x' } }) as unknown as Report;

const rowsOf = async (sql: SqlDb, deviceId = 'lap-1') => Number((await sql.get<{ n: number | string }>('SELECT count(*) AS n FROM report_verdicts WHERE device_id = ?', [deviceId]))?.n);

const insertRaw = (sql: SqlDb, id: string, ms: number, agent: unknown, server: unknown) =>
  sql.run(
    `INSERT INTO report_verdicts (report_id, device_id, received_ms, collected_at, source_ip, agent_score, agent_level, server_score, server_level, agent_findings, server_findings, blind)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, 'lap-1', ms, new Date(ms).toISOString(), null, 1, 'low', 1, 'low', agent, server, 'null'],
  );

describe('verdictTrims', () => {
  it('trims a device new to it at once, then at the latest every 32nd report after a committed trim', () => {
    const trims = verdictTrims({ draw: () => false });
    const first = trims.due('d1');
    expect(first).toBe(32);
    trims.trimmed('d1', first);
    const pattern = Array.from({ length: 64 }, () => trims.due('d1'));
    expect(pattern.slice(0, 31).every((n) => n === 0)).toBe(true);
    expect(pattern[31]).toBe(32);
    // Not told of a commit (the transaction rolled back, or a batch ran again): it stays due, report after report.
    expect(pattern.slice(32).every((n) => n > 0)).toBe(true);
  });

  it('counts a report recorded after the trim was chosen but before its commit', () => {
    const trims = verdictTrims({ draw: () => false, atMost: 4 });
    const covered = trims.due('d1');
    expect(trims.due('d1')).toBe(5);
    trims.trimmed('d1', covered);
    // One report left since the first trim's choice: three more to the bound.
    expect([trims.due('d1'), trims.due('d1'), trims.due('d1')]).toEqual([0, 0, 4]);
  });

  it('draws at every report, trims on a draw, forgets the oldest device past its bound', () => {
    let draws = 0;
    let next = false;
    const trims = verdictTrims({ draw: () => (draws++, next), maxDevices: 2 });
    trims.trimmed('a', trims.due('a'));
    trims.trimmed('b', trims.due('b'));
    expect(trims.due('a')).toBe(0);
    next = true;
    expect(trims.due('a')).toBe(2);
    next = false;
    expect(draws).toBe(4);
    trims.due('c');
    // 'a' was forgotten for 'c': due at its next report, never counted as trimmed; 'b' is still known.
    expect(trims.due('b')).toBe(0);
    expect(trims.due('a')).toBeGreaterThan(0);
  });

  it('draws about one turn in eight by default, the same for every report of a turn', async () => {
    const trims = verdictTrims({ atMost: 1e9 });
    let trimmed = 0;
    for (let turn = 0; turn < 4_000; turn++) {
      const got = Array.from({ length: 10 }, (_, i) => trims.due(`d${i}`));
      if (turn === 0) expect(got.every((n) => n > 0)).toBe(true);
      else expect(new Set(got.map((n) => n > 0)).size).toBe(1);
      if (got[0]) trimmed++;
      got.forEach((n, i) => n && trims.trimmed(`d${i}`, n));
      await Promise.resolve();
    }
    // The first turn (devices new to it), then ~500 of 4,000 (sd ~21).
    expect(trimmed).toBeGreaterThan(400);
    expect(trimmed).toBeLessThan(600);
  });
});

describe('recordVerdict', () => {
  const stepsOf = (due: boolean) => {
    const writer = verdictWriter('postgres', { draw: () => due });
    const afterCommit: (() => void)[] = [];
    // The device known first, with a committed trim: later reports trim only on a draw.
    for (const id of ['r0', 'r1']) {
      const steps = recordVerdict(report(id), undefined, new Date(t0), null, writer, afterCommit);
      const out: Step[] = [];
      for (let next = steps.next(); !next.done; next = steps.next({ changes: 1 })) out.push(next.value);
      for (const told of afterCommit.splice(0)) told();
      if (id === 'r1') return out.map((s) => ('sql' in s ? s.sql.trim().split(/\s+/)[0] : s.op));
    }
    return [];
  };
  it('sends the trim only when the report trims', () => {
    expect(stepsOf(false)).toEqual(['INSERT']);
    expect(stepsOf(true)).toEqual(['INSERT', 'DELETE']);
  });
});

describe('listText', () => {
  it('reads deflated bytes, their base64, old JSON text; anything else as nothing', () => {
    const text = storedFindingsJson(hostile);
    const z = compressBody(text);
    expect(listText(z)).toBe(text);
    expect(listText(z.toString('base64'))).toBe(text);
    expect(listText(text)).toBe(text);
    const b64 = z.toString('base64');
    for (const bad of ['', 'garbage!', 'null', '{"a":1}', b64.slice(0, 40), b64.slice(0, 41), b64.slice(0, -4), `${b64}!`, Buffer.from('not deflate').toString('base64'), z.subarray(0, 20), Buffer.alloc(0), null, undefined, 42, {}]) {
      expect(listText(bad)).toBeUndefined();
    }
  });
});

describe.each(engines)('the verdict log (%s)', (name, engine) => {
  const open = async () => {
    const db = await engine.db();
    return name === 'postgres' ? openPostgres({ url: db }) : openSqlite(db);
  };

  it('stores the lists deflated, reads hostile texts back exactly, old JSON rows as they were, garbage as empty', async () => {
    const storage = await open();
    try {
      const log = verdictLog(storage.sql);
      const judged = hostile.map((f) => ({ ...f, suppressed: !f.suppressed }));
      await log.record(report('r1'), { score: 70, level: 'high', findings: judged }, new Date(t0), null);
      const [row] = await log.history('lap-1');
      const texts = new WeakMap<object, string>();
      expect(row?.agentFindings).toEqual(JSON.parse(storedFindingsJson(hostile, texts)));
      expect(row?.serverFindings).toEqual(JSON.parse(storedFindingsJson(judged, texts)));
      expect(row?.agentFindings[1]?.title).toBe(hostile[1]!.title);
      expect(row?.agentFindings[2]?.evidence).toEqual({ cut: `evidence of ${JSON.stringify(hostile[2]!.evidence).length} characters, not kept here: see the report` });
      const stored = await storage.sql.get<{ agent_findings: unknown }>('SELECT agent_findings FROM report_verdicts WHERE report_id = ?', ['r1']);
      if (name === 'sqlite') expect(stored?.agent_findings).toBeInstanceOf(Uint8Array);
      else expect(stored?.agent_findings).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);

      const old = JSON.stringify([{ rule: 'old.rule', title: 'Old "one"', severity: 'low', confidence: 1, evidence: { a: '\\' } }]);
      await insertRaw(storage.sql, 'r2', t0 + 1, old, old);
      const b64 = compressBody(old).toString('base64');
      const garbage: [unknown, unknown][] = [['garbage!', '{"not":"a list"}'], [b64.slice(0, 24), b64.slice(0, 25)], [Buffer.from('nope').toString('base64'), '']];
      if (name === 'sqlite') garbage.push([Buffer.from([1, 2, 3]), compressBody(old).subarray(0, 10)]);
      for (const [i, [a, s]] of garbage.entries()) await insertRaw(storage.sql, `g${i}`, t0 + 2 + i, a, s);
      const all = await log.history('lap-1');
      expect(all.map((h) => h.reportId)).toEqual(['r1', 'r2', ...garbage.map((_, i) => `g${i}`)]);
      expect(all[1]?.agentFindings).toEqual(JSON.parse(old));
      for (const h of all.slice(2)) expect([h.agentFindings, h.serverFindings]).toEqual([[], []]);
    } finally {
      await storage.close();
    }
  });

  it(`keeps at most ${verdictsPerDevice} + ${overshoot} rows a device whichever way the draw goes, and ${verdictsPerDevice} after a trim`, async () => {
    const storage = await open();
    try {
      const few: Finding[] = [hostile[0]!];
      const never = verdictLog(storage.sql, { draw: () => false });
      let most = 0;
      for (let i = 0; i < 300; i++) {
        await never.record(report(`n${i}`, few), undefined, new Date(t0 + i * 1000), null);
        if (i >= 190) most = Math.max(most, await rowsOf(storage.sql));
      }
      expect(most).toBe(verdictsPerDevice + overshoot);
      expect(await rowsOf(storage.sql)).toBeGreaterThanOrEqual(verdictsPerDevice);
      // Readers see the newest 200 whatever lies beyond them.
      const shown = await never.history('lap-1');
      expect(shown).toHaveLength(verdictsPerDevice);
      expect(shown.at(-1)?.reportId).toBe('n299');
      expect(shown[0]?.reportId).toBe('n100');

      const always = verdictLog(storage.sql, { draw: () => true });
      await always.record(report('a0', few), undefined, new Date(t0 + 400_000), null);
      expect(await rowsOf(storage.sql)).toBe(verdictsPerDevice);
      for (let i = 1; i < 40; i++) await always.record(report(`a${i}`, few), undefined, new Date(t0 + 400_000 + i * 1000), null);
      expect(await rowsOf(storage.sql)).toBe(verdictsPerDevice);

      // The default draw (the CSPRNG), another device: bounded the same.
      const drawn = verdictLog(storage.sql);
      most = 0;
      for (let i = 0; i < 260; i++) {
        await drawn.record(report(`d${i}`, few, 'lap-2'), undefined, new Date(t0 + i * 1000), null);
        if (i >= 199) most = Math.max(most, await rowsOf(storage.sql, 'lap-2'));
      }
      expect(most).toBeLessThanOrEqual(verdictsPerDevice + overshoot);
      expect(await rowsOf(storage.sql)).toBe(verdictsPerDevice);
    } finally {
      await storage.close();
    }
  });
});

describe.skipIf(pgSkipReason !== undefined)("the verdict log in PostgreSQL's batches", () => {
  it('sends no DELETE for a batch in which no report trims, one for a batch in which any does', async () => {
    const url = await freshDatabase(pgUrl!);
    const storage = await openPostgres({ url });
    try {
      // The draw has no device to go by, and the batch's reports draw in an order of the driver's: the chosen devices
      // trim as if their draw came out so.
      const chosen = new Set<string>();
      const real = verdictWriter('postgres', { draw: () => false });
      const writer = { ...real, trims: { ...real.trims, due: (d: string) => (chosen.has(d) ? Math.max(1, real.trims.due(d)) : real.trims.due(d)) } };
      const batcher = pgBatcher();
      const statements: string[] = [];
      const counted: BatchRunner = (...args) => {
        statements.push(args[2].trim().split(/\s+/)[0]!);
        return batcher(...args);
      };
      const devices = ['lap-1', 'lap-2', 'lap-3', 'lap-4'];
      let seq = 0;
      const batch = async (trimming: readonly string[] = []) => {
        statements.length = 0;
        chosen.clear();
        for (const d of trimming) chosen.add(d);
        const afterCommit: (() => void)[] = [];
        await storage.sql.transaction((tx) =>
          runLockstep(
            tx,
            devices.map((d) => {
              const r = report(`b${++seq}`, hostile, d);
              return { group: d, steps: recordVerdict(r, undefined, new Date(t0 + seq), null, writer, afterCommit) };
            }),
            counted,
          ),
        );
        for (const told of afterCommit) told();
        return [...statements];
      };
      // Devices new to this process trim at their first report: one DELETE for the four.
      expect(await batch()).toEqual(['INSERT', 'DELETE']);
      expect(await batch()).toEqual(['INSERT']);
      expect(await batch(['lap-3'])).toEqual(['INSERT', 'DELETE']);
      expect(await batch()).toEqual(['INSERT']);
      expect(await rowsOf(storage.sql, 'lap-3')).toBe(4);
      const read = await verdictLog(storage.sql).history('lap-2');
      expect(read.map((r) => r.agentFindings)).toEqual(read.map(() => JSON.parse(storedFindingsJson(hostile))));
    } finally {
      await storage.close();
    }
  });
});
