import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../../server/storage/checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'fw-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

function walDb(name: string) {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 100000');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  return { file, db, write: (kib: number) => db.transaction(() => { for (let i = 0; i < kib; i++) insert.run(Buffer.alloc(1024, i)); })() };
}

describe('WalCheckpointer', () => {
  it('starts no worker while the WAL stays small, starts one once it passes the size, and the worker checkpoints', async () => {
    const { file, db, write } = walDb('grow.db');
    const errors: string[] = [];
    const checkpointer = new WalCheckpointer(file, (m) => errors.push(m), { startBytes: 256 * 1024, checkMs: 20, intervalMs: 20 });
    try {
      write(16);
      await new Promise((r) => setTimeout(r, 200));
      expect(checkpointer.running).toBe(false);
      const before = statSync(file).size;
      write(512);
      await until('the worker to start', () => checkpointer.running);
      // Its PASSIVE checkpoints copy the WAL's pages into the database file.
      await until('a checkpoint', () => statSync(file).size > before + 256 * 1024);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('stops cleanly whether or not its worker ever started', async () => {
    const { file, db } = walDb('idle.db');
    const checkpointer = new WalCheckpointer(file, () => {}, { checkMs: 10 });
    await new Promise((r) => setTimeout(r, 50));
    expect(checkpointer.running).toBe(false);
    await checkpointer.stop();
    db.close();
  });
});
