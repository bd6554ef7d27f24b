import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { migrations } from './migrations.js';
import { prepareIngest } from './sqlite-ingest.js';
import { lifecycleStore } from '../lifecycle/store.js';
import { dashboardStore } from './dashboard.js';
import { domainStore } from './store.js';
import { outboxWriter } from '../forwarders/outbox.js';
import { WalSync } from './wal-sync.js';
import { createPrivateFile, sqliteFilesOf, tightenPrivateFiles, type Tightened } from './private-files.js';
import { WalCheckpointer } from './checkpointer.js';
import { TokenCache } from './token-cache.js';
import type { Storage } from './types.js';
import { sqliteDb } from '../db/sql/sqlite.js';


export interface SqliteOptions {
  /**
   * 'wal-fsync' (the default): commits without a blocking fsync, then fdatasync of the WAL off the event loop
   * before ingest resolves (see wal-sync.ts): a 202 means the report is on disk. 'full': SQLite's own fsync at
   * every commit, on the event loop. 'normal': no fsync before answering; survives a process crash, not a power cut.
   */
  durability?: 'wal-fsync' | 'full' | 'normal';
  /** Where checkpoint failures are reported (they do not stop ingest: the WAL only grows). */
  onBackgroundError?: (message: string) => void;
  /** Names of the configured forwarders: each alert change writes one outbox row per name, in its transaction. */
  forwarders?: readonly string[];
  /** Told of each database file (db, -wal, -shm) that group or other could read and that was set to 0600. */
  onTightened?: (file: Tightened) => void;
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sqlite);
      record.run(m.version, m.name, new Date().toISOString());
    })();
  }
  const newest = Math.max(...applied, 0);
  const known = Math.max(...migrations.map((m) => m.version));
  if (newest > known) throw new Error(`database schema version ${newest} is newer than this farmwatch (${known}); upgrade farmwatch`);
  db.prepare("INSERT INTO meta (key, value) VALUES ('fleetKey', ?) ON CONFLICT(key) DO NOTHING").run(randomBytes(32).toString('base64url'));
}



export function openSqlite(file: string, options: SqliteOptions = {}): Storage {
  // Created 0600 before SQLite opens it: SQLite creates the -wal and -shm files with the database file's mode.
  // Files an older version left readable are tightened first, so no later write lands in a readable file.
  createPrivateFile(file);
  for (const t of tightenPrivateFiles(sqliteFilesOf(file))) options.onTightened?.(t);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const durability = options.durability ?? 'wal-fsync';
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: the reportId index takes random inserts (UUIDs); misses cost reads in the commit path.
  db.pragma('cache_size = -65536');
  migrate(db);
  const wal = durability === 'wal-fsync' ? new WalSync(`${file}-wal`) : undefined;
  // Checkpoints run on a worker, started once the WAL grows; the main connection checkpoints itself only past
  // ~400 MB of WAL.
  db.pragma('wal_autocheckpoint = 100000');
  const checkpointer = new WalCheckpointer(file, options.onBackgroundError ?? (() => {}));

  const fleetKey = db.prepare("SELECT value FROM meta WHERE key = 'fleetKey'").pluck();
  const ingest = prepareIngest(db, options.forwarders ?? []);
  /** Writes answer only once on disk: enrollment hands out a token the server must not forget. */
  const durable = async <T>(value: T): Promise<T> => {
    await wal?.sync();
    return value;
  };
  let closed = false;
  // Token hash → device id, so the hot path skips a lookup; a reset, rotation or new enrollment drops the device's entry.
  const tokens = new TokenCache();
  const forgetTokens = (deviceId: string) => tokens.forget(deviceId);

  // The async handle (domain modules written once) and the synchronous ingest path share one connection: the
  // ingest goes through sql.whenFree, so it never lands inside an open async transaction (sql/sqlite.ts).
  const sql = sqliteDb(db);
  const storage: Storage = {
    sql,
    ...lifecycleStore(sql, { durable, forgetTokens }),
    ...dashboardStore(sql),
    ...domainStore(sql, outboxWriter(sql, options.forwarders ?? []), { durable, tokens, closed: () => closed }),
    async fleetKey() {
      return fleetKey.get() as string;
    },
    async ingest(items, policy) {
      const outcomes = await sql.whenFree(() => ingest(items, policy));
      await wal?.sync();
      return outcomes;
    },
    async recordClockSkew(deviceId, skewS, at) {
      await sql.whenFree(() => ingest.skewRefused(deviceId, skewS, at));
      await wal?.sync();
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer.stop();
      await wal?.close();
      db.close();
    },
  };
  return storage;
}
