import { oncePerTurn } from '../common/next-turn.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from './ingest/item.js';
import type { Storage } from './storage/types.js';

export class OverloadedError extends Error {
  override name = 'OverloadedError';
  readonly statusCode = 429;
}

interface Pending {
  item: IngestItem;
  resolve: (outcome: IngestOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Work around each batch (server/places/): `before` runs in memory ahead of the transaction, `after` once it committed.
 * The requests are answered at the commit, not after `after`: what it does (presence, fleet grades) follows the
 * answer. A failing `after` is the hook's to log; the ingest stands.
 */
export interface IngestHooks {
  before?(items: readonly IngestItem[]): void;
  /** `streaming`: other reports were waiting for, or inside, a transaction when this batch committed. */
  after?(items: readonly IngestItem[], context: { streaming: boolean }): Promise<void>;
}

/**
 * Group commit: reports that arrive in the same turn of the event loop are written in one transaction,
 * and each request is answered after that commit. Bounded: past `maxPending` reports not yet done (waiting, being
 * written, or committed and answered but their `after` hook still running) a new one is refused (429) rather than
 * queued, so memory and latency stay bounded under overload, also when the hook is slower than the ingest.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  /** Reports handed to storage and not yet done: being written, or committed and waiting for their `after` hook. */
  private inFlight = 0;
  /** Reports handed to storage whose transaction has not ended yet. */
  private writing = 0;
  /** Every request read in this turn joins one batch (../common/next-turn.ts). */
  private readonly schedule = oncePerTurn(() => this.flush());
  private idle: (() => void)[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly policy: IngestPolicy,
    private readonly maxPending = 10_000,
    private readonly maxBatch = 2_000,
    private readonly hooks: IngestHooks = {},
  ) {}

  get depth(): number {
    return this.pending.length + this.inFlight;
  }

  submit(item: IngestItem): Promise<IngestOutcome> {
    if (this.depth >= this.maxPending) return Promise.reject(new OverloadedError('ingest queue full'));
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every report submitted so far is committed and its `after` hook done (shutdown, tests). */
  drained(): Promise<void> {
    if (!this.depth) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Not awaited: while one batch waits for its fsync, the next one is already committed, so batches
   * pipeline. Storage must apply the calls in order (SQLite does: its transaction runs inside the call).
   */
  private flush(): void {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight += batch.length;
      void this.commit(batch).finally(() => {
        this.inFlight -= batch.length;
        if (!this.depth) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    let accepted: IngestItem[];
    try {
      const items = batch.map((p) => p.item);
      this.hooks.before?.(items);
      this.writing += batch.length;
      const outcomes = await this.storage.ingest(items, this.policy).finally(() => (this.writing -= batch.length));
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome) p.resolve(outcome);
        else p.reject(new Error('storage returned fewer outcomes than reports'));
      });
      accepted = items.filter((_, i) => outcomes[i] === 'accepted');
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One bad report must not fail its neighbours: retry each alone.
      for (const p of batch) await this.commit([p]);
      return;
    }
    // After the answers: the batch stays counted in `depth` (and `drained()` waits) until the hook is done.
    try {
      await this.hooks.after?.(accepted, { streaming: this.pending.length + this.writing > 0 });
    } catch {
      // The hook logs its own failures; the reports are stored and answered.
    }
  }
}
