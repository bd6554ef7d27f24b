import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../schema/report.js';
import { fleetMemo } from '../../../server/geo/fleet-memo.js';
import { geoMigration } from '../../../server/geo/migration.js';
import { intelSteps, type IntelItem } from '../../../server/geo/intel.js';
import type { IntelPolicy } from '../../../server/geo/policy.js';
import { syncDriver, type Steps } from '../../../server/db/sql/steps.js';
import { makeReport } from '../helpers.js';

const policy: IntelPolicy = {
  geo: false,
  expectedCountries: [],
  hostingAsns: [],
  travel: { maxSpeedKmh: 1000, slackKm: 300 },
  rareTool: { maxPercent: 50, minFleetDevices: 1 },
  fingerprint: { maxDiffMs: 5, maxDiffRatio: 0.2, minCommonAnchors: 1 },
  windowHours: 24,
};
const anydesk = { rule: 'remote-access.anydesk', title: 'AnyDesk running', severity: 'high', confidence: 0.9, subject: 'anydesk', evidence: {} };
const item = (deviceId: string): IntelItem => ({
  report: reportSchema.parse(makeReport(deviceId, { findings: [anydesk] })),
  sourceIp: '198.51.100.7',
  sourceIsOffice: false,
  receivedAt: new Date('2026-01-01T00:00:00Z'),
});

// The memo of intel's insert-only fleet rows and counts (SQLite, one process per file), on a real SQLite database:
// what it skips must leave the same rows and counts as asking, and a rolled-back transaction must teach it nothing.
describe('fleet memo', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE reports (id INTEGER PRIMARY KEY, report_id TEXT, server_findings TEXT); CREATE TABLE devices (device_id TEXT PRIMARY KEY, travel_country TEXT, travel_ms INTEGER);');
    db.exec(geoMigration.sqlite.split('\n').filter((l) => !l.includes('ALTER TABLE')).join('\n'));
  });
  afterEach(() => db.close());

  const counts = () => Object.fromEntries(db.prepare('SELECT key, n FROM fleet_counts').all().map((r) => [(r as { key: string }).key, (r as { n: number }).n]));
  const noAlerts = function* (): Steps<void> {};

  /** Each device's report in one transaction; `fail` rolls it back after intel ran. Returns the rare-tool confidences. */
  function ingest(intel: ReturnType<typeof intelSteps>, deviceIds: string[], fail = false): number[] {
    const drive = syncDriver(db);
    const afterCommit: (() => void)[] = [];
    const found: number[] = [];
    try {
      db.transaction(() => {
        for (const id of deviceIds) {
          const columns = drive(intel(item(id), policy, '2026-01-01T00:00:00.000Z', noAlerts, undefined, undefined, afterCommit));
          const rare = (JSON.parse(columns.findings ?? '[]') as { rule: string; confidence: number }[]).find((f) => f.rule === 'fleet.rare-tool');
          found.push(rare?.confidence ?? 0);
        }
        if (fail) throw new Error('rolled back');
      })();
    } catch (err) {
      if (!fail) throw err;
      return found;
    }
    for (const told of afterCommit) told();
    return found;
  }

  it('leaves the same rows, counts and findings as asking every time, and learns nothing from a rolled-back transaction', () => {
    const memo = fleetMemo({ counts: true });
    const withMemo = intelSteps({ dialect: 'sqlite' }, memo);
    expect(ingest(withMemo, ['a', 'b'], true)).toHaveLength(2);
    expect(counts()).toEqual({});
    expect(memo.hasRow('member\u0000a')).toBe(false);
    expect(memo.count('devices')).toBeUndefined();

    const first = ingest(withMemo, ['a', 'b', 'a']);
    expect(counts()).toEqual({ devices: 2, 'tool:anydesk': 2 });
    expect(memo.hasRow('member\u0000a')).toBe(true);
    expect(memo.hasRow('tool\u0000anydesk\u0000b')).toBe(true);
    expect(memo.count('devices')).toBe(2);

    // A steady report asks nothing of the fleet tables; a new device bumps and the memo follows it.
    const again = ingest(withMemo, ['a', 'c', 'b']);
    expect(counts()).toEqual({ devices: 3, 'tool:anydesk': 3 });
    expect(memo.count('devices')).toBe(3);

    // The same reports without the memo (another process, same tables) see the same counts.
    db.exec('DELETE FROM fleet_counts; DELETE FROM fleet_members; DELETE FROM tool_devices;');
    const plain = intelSteps({ dialect: 'sqlite' });
    expect(ingest(plain, ['a', 'b', 'a'])).toEqual(first);
    expect(ingest(plain, ['a', 'c', 'b'])).toEqual(again);
    expect(counts()).toEqual({ devices: 3, 'tool:anydesk': 3 });
  });
});

describe('fleet memo with replicas (counts not kept)', () => {
  it('knows committed rows but never a count: another replica may have bumped it', () => {
    const memo = fleetMemo({ counts: false });
    const tx: (() => void)[] = [];
    memo.rowStored('member\u0000a', tx);
    memo.countRead('devices', 5, tx);
    expect(memo.hasRow('member\u0000a')).toBe(false);
    tx.forEach((told) => told());
    expect(memo.hasRow('member\u0000a')).toBe(true);
    expect(memo.count('devices')).toBeUndefined();
  });
});

describe('fleet memo counts within one transaction', () => {
  const commit = (afterCommit: (() => void)[]) => afterCommit.forEach((told) => told());

  it('keeps the last operation on a key at the commit: a bump after a read forgets the count', () => {
    const memo = fleetMemo({ counts: true });
    const tx: (() => void)[] = [];
    memo.countRead('tool:anydesk', 5, tx);
    memo.bumped('tool:anydesk', tx);
    commit(tx);
    expect(memo.count('tool:anydesk')).toBeUndefined();
  });

  it('a read after a bump is remembered (it already counts the bump)', () => {
    const memo = fleetMemo({ counts: true });
    const tx: (() => void)[] = [];
    memo.countRead('devices', 5, tx);
    memo.bumped('devices', tx);
    memo.countRead('devices', 6, tx);
    commit(tx);
    expect(memo.count('devices')).toBe(6);
  });

  it('learns nothing before the commit', () => {
    const memo = fleetMemo({ counts: true });
    memo.countRead('devices', 5, []);
    expect(memo.count('devices')).toBeUndefined();
  });
});
