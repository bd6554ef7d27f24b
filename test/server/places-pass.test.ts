import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { openPlaceBook } from '../../server/places/book.js';
import type { SqlDb } from '../../server/db/sql/types.js';
import type { IngestItem } from '../../server/ingest/item.js';
import { openPostgres } from '../../server/storage/pg.js';
import { openSqlite } from '../../server/storage/sqlite.js';
import type { Report } from '../../schema/report.js';
import { engines } from '../helpers/engines.js';

/**
 * The places pass (server/places/book.ts), run after each committed batch. A places pass writes a device's own evidence (device_evidence) only where it differs from the stored row it read at
 * the start of the pass. The ingest goes on while that read is on its way: a device whose report arrives meanwhile
 * must wait for the next pass's read, not be written blind (which, under load, rewrote a batch of unchanged evidence
 * every pass and re-graded every cluster of those devices).
 */
const remote = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 0.95, subject: 'anydesk', evidence: {} };

function item(deviceId: string, at: Date, findings: unknown[]): IngestItem {
  const report = {
    reportId: '0190f0a0-0000-7000-8000-000000000000',
    deviceId,
    agentVersion: '0.1.0',
    collectedAt: at.toISOString(),
    score: 50,
    level: 'medium',
    findings,
    identity: { timezone: 'America/Chicago', gatewayMac: 'a'.repeat(64), wifiBssid: 'b'.repeat(64) },
  } as unknown as Report;
  return { report, body: '{}', sourceIp: '73.15.20.1', sourceIsOffice: false, receivedAt: at };
}

/** The storage's SqlDb, counting evidence writes, with its reads of device rows held until `release` is called. */
function watched(sql: SqlDb) {
  const writes: string[] = [];
  /** When each read of device rows (one per pass) began. */
  const reads: number[] = [];
  let hold: Promise<void> | undefined;
  let release = () => {};
  let reading = () => {};
  const readStarted = new Promise<void>((resolve) => (reading = resolve));
  const db: SqlDb = {
    ...sql,
    async all(text, params = []) {
      if (text.includes('LEFT JOIN device_evidence')) reads.push(performance.now());
      if (hold && text.includes('LEFT JOIN device_evidence')) {
        reading();
        await hold;
      }
      return sql.all(text, params);
    },
    async run(text, params = []) {
      if (text.startsWith('INSERT INTO device_evidence')) writes.push(String(params[0]));
      return sql.run(text, params);
    },
    // A pass writes inside a transaction: counted on its handle too.
    transaction: (fn) =>
      sql.transaction((tx) =>
        fn({
          ...tx,
          async run(text, params = []) {
            if (text.startsWith('INSERT INTO device_evidence')) writes.push(String(params[0]));
            return tx.run(text, params);
          },
        }),
      ),
  };
  return {
    db,
    writes,
    reads,
    holdReads() {
      hold = new Promise<void>((resolve) => (release = resolve));
      return readStarted;
    },
    release: () => {
      hold = undefined;
      release();
    },
  };
}

describe.each(engines)('places pass (%s)', (name, engine) => {
  it('a device reported during the pass read is compared in the next pass, never written blind', async () => {
    const file = await engine.db();
    const storage = name === 'postgres' ? await openPostgres({ url: file }) : openSqlite(file);
    try {
      const at = new Date('2026-11-02T15:00:00Z');
      for (const id of ['lap-1', 'lap-2']) {
        await storage.sql.run('INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)', [id, id, 'linux', '0.1.0', `hash-${id}`, at.toISOString()]);
      }
      const w = watched(storage.sql);
      const book = await openPlaceBook(w.db, {
        officeNetworks: [], relayNetworks: [], forwarders: [], now: () => at, logger: pino({ level: 'silent' }),
        currentPolicy: () => storage.currentPolicy(),
      });

      // Both devices' evidence stored once.
      const first = [item('lap-1', at, [remote]), item('lap-2', at, [remote])];
      book.before(first);
      await book.after(first);
      expect(w.writes.sort()).toEqual(['lap-1', 'lap-2']);
      w.writes.length = 0;

      // lap-1 reports again (same evidence): its pass reads the rows, held. Meanwhile lap-2 reports, same evidence too.
      const again = [item('lap-1', new Date(at.getTime() + 1_000), [remote])];
      book.before(again);
      const reading = w.holdReads();
      const pass = book.after(again);
      await reading;
      const meanwhile = [item('lap-2', new Date(at.getTime() + 2_000), [remote])];
      book.before(meanwhile);
      const next = book.after(meanwhile);
      w.release();
      await pass;
      await next;
      // Unchanged evidence: nothing written, neither in the held pass nor in the next one that read lap-2's row.
      expect(w.writes).toEqual([]);

      // A change is still written, once.
      const changed = [item('lap-2', new Date(at.getTime() + 3_000), [])];
      book.before(changed);
      await book.after(changed);
      expect(w.writes).toEqual(['lap-2']);
      const row = await storage.sql.get<{ rules: string }>('SELECT rules FROM device_evidence WHERE device_id = ?', ['lap-2']);
      expect(row?.rules).toBe('[]');
    } finally {
      await storage.close();
    }
  });

  it('a stream of batches: a pass begins no sooner than the gap after the last one ended, and takes every batch committed meanwhile', async () => {
    const file = await engine.db();
    const storage = name === 'postgres' ? await openPostgres({ url: file }) : openSqlite(file);
    try {
      const at = new Date('2026-11-02T15:00:00Z');
      const ids = ['lap-1', 'lap-2', 'lap-3', 'lap-4'];
      for (const id of ids) {
        await storage.sql.run('INSERT INTO devices (device_id, hostname, platform, agent_version, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)', [id, id, 'linux', '0.1.0', `hash-${id}`, at.toISOString()]);
      }
      const gap = 500;
      const w = watched(storage.sql);
      const book = await openPlaceBook(w.db, {
        officeNetworks: [], relayNetworks: [], forwarders: [], now: () => at, logger: pino({ level: 'silent' }),
        currentPolicy: () => storage.currentPolicy(),
        streamGapMs: gap,
      });
      const batch = (id: string, k: number, streaming = false) => {
        const items = [item(id, new Date(at.getTime() + k * 1_000), [remote])];
        book.before(items);
        return book.after(items, { streaming });
      };
      // A quiet moment: the pass runs at once.
      let asked = performance.now();
      await batch('lap-1', 0);
      expect(w.reads).toHaveLength(1);
      expect(w.reads[0]! - asked).toBeLessThan(gap);

      // A batch committed with more reports on their way, just after a pass ended (the usual case under load: a pass
      // is short, batches come between passes): its pass waits out the gap.
      let ended = performance.now();
      await batch('lap-2', 1, true);
      expect(w.reads).toHaveLength(2);
      expect(w.reads[1]! - ended).toBeGreaterThanOrEqual(gap - 10);

      // The same with nothing behind it (one report, as an agent or a test sends it): at once.
      asked = performance.now();
      await batch('lap-3', 1.5);
      expect(w.reads).toHaveLength(3);
      expect(w.reads[2]! - asked).toBeLessThan(gap);

      // A pass held mid-way; three batches commit meanwhile.
      const reading = w.holdReads();
      const held = batch('lap-1', 2);
      await reading;
      const meanwhile = [batch('lap-2', 3), batch('lap-3', 4), batch('lap-4', 5)];
      w.release();
      await held;
      ended = performance.now();
      await Promise.all(meanwhile);
      // One more pass for the three, begun no sooner than the gap after the held one ended.
      expect(w.reads).toHaveLength(5);
      expect(w.reads[4]! - ended).toBeGreaterThanOrEqual(gap - 10);
      const stored = await storage.sql.all<{ device_id: string }>('SELECT device_id FROM device_evidence ORDER BY device_id');
      expect(stored.map((r) => r.device_id)).toEqual(ids);

      // Quiet again (the gap has passed): at once, even with more on the way.
      await new Promise((resolve) => setTimeout(resolve, gap));
      asked = performance.now();
      await batch('lap-2', 6, true);
      expect(w.reads).toHaveLength(6);
      expect(w.reads[5]! - asked).toBeLessThan(gap);
    } finally {
      await storage.close();
    }
  });
});
