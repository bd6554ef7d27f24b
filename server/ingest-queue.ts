import type { IngestItem, IngestOutcome, IngestPolicy, Storage } from './storage/types.js';

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
 * Group commit: reports that arrive in the same turn of the event loop are written in one transaction,
 * and each request is answered after that commit. Bounded: past `maxPending` waiting reports a new one is
 * refused (429) rather than queued, so memory and latency stay bounded under overload.
 */
export class IngestQueue {
  private pending: Pending[] = [];
  private flushing = false;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly policy: IngestPolicy,
    private readonly maxPending = 10_000,
    private readonly maxBatch = 2_000,
  ) {}

  get depth(): number {
    return this.pending.length;
  }

  submit(item: IngestItem): Promise<IngestOutcome> {
    if (this.pending.length >= this.maxPending) return Promise.reject(new OverloadedError('ingest queue full'));
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every report submitted so far is committed (used at shutdown). */
  drained(): Promise<void> {
    if (!this.pending.length && !this.flushing) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request read in this turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    } finally {
      this.flushing = false;
      for (const done of this.idle.splice(0)) done();
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.storage.ingest(batch.map((p) => p.item), this.policy);
      batch.forEach((p, i) => {
        const outcome = outcomes[i];
        if (outcome) p.resolve(outcome);
        else p.reject(new Error('storage returned fewer outcomes than reports'));
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One bad report must not fail its neighbours: retry each alone.
      for (const p of batch) await this.commit([p]);
    }
  }
}
