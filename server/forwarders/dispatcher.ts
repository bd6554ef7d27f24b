import type { Logger } from 'pino';
import type { OutboxRow } from '../db/records.js';
import type { OutboxStorage } from './outbox-storage.js';
import type { Sender } from './sender.js';

export interface RetryPolicy {
  minDelayMs: number;
  maxDelayMs: number;
  giveUpAfterHours: number;
  timeoutMs: number;
}

export interface Route {
  name: string;
  sender: Sender;
  retry: RetryPolicy;
  /** Sends in flight at once for this forwarder. */
  concurrency: number;
}

export interface ForwarderCounters {
  delivered: number;
  failed: number;
  dropped: number;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, capped. `attempt` counts from 1. */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

interface Lane extends Route {
  inFlight: number;
  claiming: boolean;
  /** After a failure the target is taken as down: no claim until this time (one probe per backoff, not one per row). */
  pausedUntil: number;
  counters: ForwarderCounters;
}

/**
 * Moves outbox rows to their targets, off the ingest path: a timer claims due rows of each forwarder (at most
 * `concurrency` in flight each), every send is bounded by a timeout, and a failure schedules a retry. A dead
 * target therefore costs ingest one indexed SELECT per poll and nothing else.
 */
export class Dispatcher {
  private readonly lanes: Lane[];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly sends = new Set<Promise<void>>();
  /** Aborts the sends in hand at stop: a hanging target must not hold a shutdown for its whole timeout. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly storage: OutboxStorage,
    routes: readonly Route[],
    private readonly log: Logger,
    private readonly pollMs = 500,
    private readonly clock: () => number = Date.now,
  ) {
    this.lanes = routes.map((r) => ({ ...r, inFlight: 0, claiming: false, pausedUntil: 0, counters: { delivered: 0, failed: 0, dropped: 0 } }));
  }

  get counters(): ReadonlyMap<string, ForwarderCounters> {
    return new Map(this.lanes.map((l) => [l.name, l.counters]));
  }

  start(): void {
    if (!this.lanes.length || this.timer) return;
    this.timer = setInterval(() => this.tick(), this.pollMs).unref();
    setImmediate(() => this.tick());
  }

  /** Claims due rows for every forwarder with a free slot. Safe to call at any time (it never overlaps itself). */
  tick(): void {
    if (this.stopped) return;
    const now = this.clock();
    for (const lane of this.lanes) if (!lane.claiming && lane.inFlight < lane.concurrency && now >= lane.pausedUntil) void this.claim(lane);
  }

  private async claim(lane: Lane): Promise<void> {
    lane.claiming = true;
    let rows: OutboxRow[] = [];
    try {
      // The lease outlives any send (each is bounded by timeoutMs), so a claimed row is never taken twice.
      rows = await this.storage.claimOutbox(lane.name, this.clock(), lane.concurrency - lane.inFlight, 2 * lane.retry.timeoutMs + 10_000);
    } catch (err) {
      this.log.error({ err, forwarder: lane.name }, 'outbox claim failed');
    } finally {
      lane.claiming = false;
    }
    for (const row of rows) {
      lane.inFlight++;
      const p = this.deliver(lane, row).finally(() => {
        lane.inFlight--;
        this.sends.delete(p);
        // A freed slot looks for more at once: a backlog drains at the target's pace, not the poll's.
        if (rows.length) setImmediate(() => this.tick());
      });
      this.sends.add(p);
    }
  }

  private async deliver(lane: Lane, row: OutboxRow): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(lane.retry.timeoutMs), this.stopping.signal]);
    try {
      await Promise.race([
        lane.sender.send(row.event, signal),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(this.stopping.signal.aborted ? 'server stopping' : `timed out after ${lane.retry.timeoutMs} ms`)), { once: true })),
      ]);
      lane.counters.delivered++;
      lane.pausedUntil = 0;
      await this.storage.removeOutbox(row.id);
    } catch (err) {
      lane.counters.failed++;
      const message = err instanceof Error ? err.message : String(err);
      const now = this.clock();
      if (now - row.createdMs > lane.retry.giveUpAfterHours * 3_600_000) {
        lane.counters.dropped++;
        this.log.error({ forwarder: lane.name, alertId: row.event.alert.id, attempts: row.attempts + 1, err: message }, 'forwarder gave up on an event');
        await this.storage.removeOutbox(row.id).catch(() => {});
        return;
      }
      const delay = backoffMs(row.attempts + 1, lane.retry);
      lane.pausedUntil = Math.max(lane.pausedUntil, now + delay);
      if (row.attempts === 0 || row.attempts % 10 === 9) this.log.warn({ forwarder: lane.name, attempts: row.attempts + 1, retryInMs: delay, err: message }, 'forwarder send failed');
      await this.storage.retryOutbox(row.id, now + delay, message).catch(() => {});
    }
  }

  /** Stops claiming, aborts the sends in hand (they are retried after the next start), closes the transports. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.stopping.abort();
    while (this.lanes.some((l) => l.claiming) || this.sends.size) {
      await Promise.allSettled([...this.sends]);
      if (this.lanes.some((l) => l.claiming)) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.allSettled(this.lanes.map((l) => l.sender.close()));
  }
}
