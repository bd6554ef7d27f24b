import type pg from 'pg';
import { ingestSteps } from '../ingest/steps.js';
import { NotSerial, runLockstep } from '../db/sql/lockstep.js';
import { pgBatcher } from '../db/sql/pg-batch.js';
import { runSteps } from '../db/sql/steps.js';
import { pgClientDb } from '../db/sql/pg.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from '../ingest/item.js';

/** Errors where the whole batch is simply run again: a deadlock between replicas, or a lost race on a unique key. */
const retryable = new Set(['40P01', '40001', '23505']);

export interface PgIngestOptions {
  /**
   * Batches in flight at once on this replica (config `database.ingestBatches`). Calls that arrive while that many
   * run wait and go together as one batch: a batch costs about as many round trips as one report (its statements are
   * multi-row), so fewer, larger batches are what makes the ingest fast. One by default: measured under load
   * (scripts/bench/ingest-pg.ts), a second batch in flight halves each batch, doubles the round trips and
   * PostgreSQL's CPU per report, and two replicas then take fewer reports than one. More helps only where the round
   * trip to PostgreSQL, not CPU, is what a batch waits on.
   */
  concurrency?: number;
  /** The most reports one batch takes from waiting calls. */
  maxBatch?: number;
}

interface Call {
  items: readonly IngestItem[];
  policy: IngestPolicy;
  resolve: (outcomes: IngestOutcome[]) => void;
  reject: (err: unknown) => void;
}

/**
 * PostgreSQL's driver of the ingest (server/ingest/steps.ts): one transaction per batch, the report id unique (a
 * duplicate from any replica is 'duplicate'). Replicas are kept apart by advisory transaction locks: every device of
 * the batch first (sorted, so two batches never wait on each other in a cycle), then the steps' own (a place, the
 * cluster join). A rare cycle between places is a deadlock PostgreSQL breaks; the batch reruns.
 *
 * The reports of a batch run side by side (server/db/sql/lockstep.ts): their steps on the device's own rows go
 * to PostgreSQL as one multi-row statement per step (server/db/sql/pg-batch.ts), the others one report at a
 * time in the batch's order, so a batch of N reports costs about as many round trips as one report, and its result
 * is that of running them one by one in order of arrival. A batch that cannot be run so (a fleet count moved inside
 * it: a new device or tool) runs one report after another, as it did before.
 */
export function pgIngest(pool: pg.Pool, forwarders: readonly string[], options: PgIngestOptions = {}) {
  const steps = ingestSteps({ dialect: 'postgres' }, { forwarders, ownsDatabase: false });
  const runBatch = pgBatcher();
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const maxBatch = Math.max(1, options.maxBatch ?? 2_000);
  const stats = { batches: 0, reports: 0, serialBatches: 0 };

  async function inTransaction<T>(keys: readonly string[], fn: (tx: ReturnType<typeof pgClientDb>) => Promise<T>): Promise<T> {
    let serial = false;
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        // One round trip: BEGIN and the locks as one simple query (no parameters there: the keys go as a quoted literal).
        await client.query(keys.length ? `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${client.escapeLiteral(textArray(keys))}::text[]) k` : 'BEGIN');
        const value = await fn(pgClientDb(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        // Not a failure: the batch runs again, one report at a time (and does not count as an attempt).
        if (err instanceof NotSerial && !serial) {
          serial = true;
          attempt--;
          continue;
        }
        if (attempt >= 5 || !retryable.has((err as { code?: string }).code ?? '')) throw err;
      } finally {
        client.release();
      }
    }
  }

  /** One batch in one transaction: side by side, or one by one when `serial` says so (then `onSerial` is told). */
  const run = async (items: readonly IngestItem[], policy: IngestPolicy, onSerial?: () => void): Promise<IngestOutcome[]> => {
    const devices = [...new Set(items.map((i) => `device:${i.report.deviceId}`))].sort();
    // In order of arrival (stable): the order the batch's result is equal to (lockstep.ts).
    const order = items.map((_, k) => k).sort((a, b) => items[a]!.receivedAt.getTime() - items[b]!.receivedAt.getTime() || a - b);
    let afterCommit: (() => void)[] = [];
    let serial = items.length < 2;
    const sorted = await inTransaction(devices, async (tx) => {
      // Counters told only once the batch is committed: a batch run again must not count twice.
      afterCommit = [];
      if (!serial) {
        return runLockstep(tx, order.map((k) => ({ group: items[k]!.report.deviceId, steps: steps.one(items[k]!, policy, afterCommit) })), runBatch).catch((err: unknown) => {
          if (err instanceof NotSerial) {
            serial = true;
            stats.serialBatches++;
            onSerial?.();
          }
          throw err;
        });
      }
      return runSteps(tx, steps.batch(order.map((k) => items[k]!), policy, afterCommit));
    });
    const outcomes: IngestOutcome[] = new Array(items.length);
    for (const [j, k] of order.entries()) outcomes[k] = sorted[j]!;
    stats.batches++;
    stats.reports += items.length;
    for (const told of afterCommit) told();
    return outcomes;
  };

  // Calls wait while `concurrency` batches run, and the waiting ones go together (in order) as the next batch. A batch
  // that fell back to one report at a time (a fleet count moved: devices or tools new to the fleet, as in a rollout)
  // costs its round trips per report and shares none, so it gives its place back: the next batch need not wait for
  // it. At most twice `concurrency` batches are in flight all the same.
  const waiting: Call[] = [];
  let running = 0;
  let inFlight = 0;
  const pump = (): void => {
    while (running < concurrency && inFlight < 2 * concurrency && waiting.length) {
      const calls = [waiting.shift()!];
      let count = calls[0]!.items.length;
      while (waiting.length && waiting[0]!.policy === calls[0]!.policy && count + waiting[0]!.items.length <= maxBatch) {
        count += waiting[0]!.items.length;
        calls.push(waiting.shift()!);
      }
      running++;
      inFlight++;
      let holds = true;
      const release = (): void => {
        if (!holds) return;
        holds = false;
        running--;
        pump();
      };
      void runCalls(calls, release).finally(() => {
        inFlight--;
        if (holds) release();
        else pump();
      });
    }
  };
  const runCalls = async (calls: Call[], onSerial: () => void): Promise<void> => {
    try {
      const outcomes = await run(calls.flatMap((c) => c.items), calls[0]!.policy, onSerial);
      let at = 0;
      for (const c of calls) {
        c.resolve(outcomes.slice(at, at + c.items.length));
        at += c.items.length;
      }
    } catch (err) {
      if (calls.length === 1) return calls[0]!.reject(err);
      // One caller's bad report must not fail the others: each call alone (the queue splits its own further).
      for (const c of calls) await run(c.items, c.policy).then(c.resolve, c.reject);
    }
  };

  const ingest = (items: readonly IngestItem[], policy: IngestPolicy): Promise<IngestOutcome[]> =>
    new Promise((resolve, reject) => {
      waiting.push({ items, policy, resolve, reject });
      pump();
    });
  const skewRefused = async (deviceId: string, skewS: number, at: Date): Promise<void> => {
    await inTransaction([], (tx) => runSteps(tx, steps.skewRefused(deviceId, skewS, at)));
  };
  return Object.assign(ingest, { skewRefused, stats });
}

/**
 * A PostgreSQL array literal of texts, each element quoted and `"` and `\\` escaped (a device id is the agent's: any
 * character). NUL, which no PostgreSQL text holds, is refused rather than cut off where the wire protocol would.
 */
export function textArray(values: readonly string[]): string {
  if (values.some((v) => v.includes('\0'))) throw new Error('a lock key with a NUL character');
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
