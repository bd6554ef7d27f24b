import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../schema/report.js';
import type { IngestItem } from '../../server/ingest/item.js';
import { IngestQueue, OverloadedError } from '../../server/ingest-queue.js';
import { openSqlite } from '../../server/storage/sqlite.js';
import { cleanup, makeReport } from './helpers.js';

/** A real SQLite file with one enrolled device, and that device's reports as the queue takes them. */
async function enrolledStorage() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-queue-'));
  const storage = await openSqlite(join(dir, 'farmwatch.db'));
  const at = new Date();
  await storage.enroll({ deviceId: 'q-1', hostname: 'q-1', platform: 'linux', agentVersion: '0.1.0', tokenHash: Buffer.alloc(32, 1), at });
  const item = (): IngestItem => {
    const body = makeReport('q-1', {}, at);
    return { report: reportSchema.parse(body), body: JSON.stringify(body), sourceIp: '198.51.100.7', sourceIsOffice: false, receivedAt: at };
  };
  return { dir, storage, item };
}

/** A real SQLite storage and the queue in front of it, with an `after` hook the test lets finish when it wants. */
describe('ingest queue: the after hook follows the answer', () => {
  it('answers at the commit, counts the batch until its hook is done (bounded, drained) and then lets it go', async () => {
    const { dir, storage, item } = await enrolledStorage();
    try {
      let release!: () => void;
      const hookDone = new Promise<void>((resolve) => (release = resolve));
      const seen: string[][] = [];
      const queue = new IngestQueue(storage, { colocation: { minDevices: 3, windowHours: 24 } }, 1, undefined, {
        after: async (items) => {
          seen.push(items.map((i) => i.report.reportId));
          await hookDone;
        },
      });

      const first = item();
      expect(await queue.submit(first)).toBe('accepted');
      // Answered while the hook still runs: the report is counted until it is done, so the bound holds.
      expect(seen).toEqual([[first.report.reportId]]);
      expect(queue.depth).toBe(1);
      await expect(queue.submit(item())).rejects.toBeInstanceOf(OverloadedError);
      let drained = false;
      const waiting = queue.drained().then(() => (drained = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(drained).toBe(false);

      release();
      await waiting;
      expect(queue.depth).toBe(0);
      expect(await queue.submit(item())).toBe('accepted');
      await queue.drained();
      expect(seen).toHaveLength(2);
    } finally {
      await storage.close();
      cleanup(dir);
    }
  });

  it('tells the after hook whether more reports were on their way when the batch committed', async () => {
    const { dir, storage, item } = await enrolledStorage();
    try {
      // The real storage, its transactions held until the test opens the gate: a second batch is inside one when the first commits.
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const held = { ...storage, ingest: async (items: readonly IngestItem[], policy: Parameters<typeof storage.ingest>[1]) => (await gate, storage.ingest(items, policy)) };
      const told: boolean[] = [];
      const queue = new IngestQueue(held, { colocation: { minDevices: 3, windowHours: 24 } }, 100, undefined, {
        after: async (_items, { streaming }) => void told.push(streaming),
      });
      const first = queue.submit(item());
      await new Promise((resolve) => setImmediate(resolve));
      const second = queue.submit(item());
      await new Promise((resolve) => setImmediate(resolve));
      open();
      expect(await Promise.all([first, second])).toEqual(['accepted', 'accepted']);
      await queue.drained();
      // The first committed with the second inside its transaction; nothing followed the second.
      expect(told).toEqual([true, false]);
    } finally {
      await storage.close();
      cleanup(dir);
    }
  });
});
