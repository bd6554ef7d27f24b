import type pg from 'pg';
import { ingestSteps } from '../ingest/steps.js';
import { runSteps } from '../db/sql/steps.js';
import { pgClientDb } from '../db/sql/pg.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from '../ingest/item.js';

/** Errors where the whole batch is simply run again: a deadlock between replicas, or a lost race on a unique key. */
const retryable = new Set(['40P01', '40001', '23505']);

/**
 * PostgreSQL's driver of the ingest (server/ingest/steps.ts): one transaction per batch, the report id unique (a
 * duplicate from any replica is 'duplicate'). Replicas are kept apart by advisory transaction locks: every device of
 * the batch first (sorted, so two batches never wait on each other in a cycle), then the steps' own (a place, the
 * cluster join). A rare cycle between places is a deadlock PostgreSQL breaks; the batch reruns.
 */
export function pgIngest(pool: pg.Pool, forwarders: readonly string[]) {
  const steps = ingestSteps({ dialect: 'postgres' }, { forwarders, ownsDatabase: false });

  async function inTransaction<T>(keys: readonly string[], fn: (tx: ReturnType<typeof pgClientDb>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) k', [keys]);
        const value = await fn(pgClientDb(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt >= 5 || !retryable.has((err as { code?: string }).code ?? '')) throw err;
      } finally {
        client.release();
      }
    }
  }

  const ingest = async (items: readonly IngestItem[], policy: IngestPolicy): Promise<IngestOutcome[]> => {
    const devices = [...new Set(items.map((i) => `device:${i.report.deviceId}`))].sort();
    let afterCommit: (() => void)[] = [];
    const outcomes = await inTransaction(devices, (tx) => {
      // Counters told only once the batch is committed: a batch run again must not count twice.
      afterCommit = [];
      return runSteps(tx, steps.batch(items, policy, afterCommit));
    });
    for (const told of afterCommit) told();
    return outcomes;
  };
  const skewRefused = async (deviceId: string, skewS: number, at: Date): Promise<void> => {
    await inTransaction([], (tx) => runSteps(tx, steps.skewRefused(deviceId, skewS, at)));
  };
  return Object.assign(ingest, { skewRefused });
}
