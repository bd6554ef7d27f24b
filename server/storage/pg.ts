import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { lifecycleStore } from '../lifecycle/store.js';
import { dashboardStore } from './dashboard.js';
import { domainStore } from './store.js';
import { outboxWriter } from '../forwarders/outbox.js';
import { pgIngest } from './pg-ingest.js';
import { migrations } from './migrations.js';
import { TimerLock } from './pg-timer-lock.js';
import { TokenCache } from './token-cache.js';
import { pgDb } from '../db/sql/pg.js';
import type { Storage } from './types.js';

export interface PostgresOptions {
  url: string;
  /** Connections per replica (ingest batches run in parallel on them). */
  poolSize?: number;
  /** Ingest batches in flight on this replica (pg-ingest.ts `concurrency`); default 1. */
  ingestBatches?: number;
  forwarders?: readonly string[];
  /** Where a lost timer-lock connection or a pool error is reported. */
  onBackgroundError?: (message: string) => void;
  /** Called when this replica takes (true) or loses (false) the timers' lock. */
  onTimerLock?: (held: boolean) => void;
}

/** Every migration applies under one session advisory lock: replicas starting at once wait, then find them applied. */
const migrationLock = 0x6661726d; // 'farm'

// int8 (counts, BIGINT columns) as numbers: milliseconds and ids stay far below 2^53.
const types = { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser };

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const newest = Math.max(...applied, 0);
    const known = Math.max(...migrations.map((m) => m.version));
    if (newest > known) throw new Error(`database schema version ${newest} is newer than this farmwatch (${known}); upgrade farmwatch`);
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.postgres);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    }
    await client.query("INSERT INTO meta (key, value) VALUES ('fleetKey', $1) ON CONFLICT (key) DO NOTHING", [randomBytes(32).toString('base64url')]);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).catch(() => {});
    client.release();
  }
}


/**
 * Storage on PostgreSQL, for several stateless replicas on one database (docs/postgres.md). Same semantics as
 * SQLite; what differs is how replicas are kept apart: advisory locks on the hot path (pg-ingest.ts, ../ingest/steps.ts), row locks with
 * SKIP LOCKED on the outbox, and a session lock that elects one replica for the timers (pg-timer-lock.ts).
 */
export async function openPostgres(options: PostgresOptions): Promise<Storage> {
  const report = options.onBackgroundError ?? (() => {});
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, types, keepAlive: true, application_name: 'farmwatch' });
  // An idle connection dropped by the server must not crash the process: the pool replaces it.
  pool.on('error', (err) => report(`postgres pool: ${err.message}`));
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const ingest = pgIngest(pool, options.forwarders ?? [], { concurrency: Math.min(options.ingestBatches ?? 1, Math.max(1, (options.poolSize ?? 10) - 1)) });
  const timerLock = new TimerLock(options.url, report, options.onTimerLock);
  const fleetKey = (await pool.query<{ value: string }>("SELECT value FROM meta WHERE key = 'fleetKey'")).rows[0]?.value ?? '';
  let closed = false;
  const sql = pgDb(pool);

  const lifecycle = lifecycleStore(sql, { forgetTokens: (deviceId) => tokens.forget(deviceId) });
  // Checked against the change counter: a token rotated or revoked on another replica fails here within 250 ms.
  const tokens = new TokenCache(() => lifecycle.changeCount());

  const storage: Storage = {
    sql,
    ...lifecycle,
    ...dashboardStore(sql),
    ...domainStore(sql, outboxWriter(sql, options.forwarders ?? []), { closed: () => closed, tokens }),
    async fleetKey() {
      return fleetKey;
    },
    ingest,
    recordClockSkew: ingest.skewRefused,
    async close() {
      if (closed) return;
      closed = true;
      await timerLock.close();
      await pool.end();
    },
    holdsTimers: () => timerLock.acquire(),
  };
  return storage;
}
