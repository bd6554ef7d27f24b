import type { OutboxRow } from '../db/records.js';

/** The forwarder outbox's queue as the dispatcher works it; every Storage is one (server/storage/store.ts). */
export interface OutboxStorage {
  /** Forwarder outbox: up to `limit` due rows of one forwarder, leased (not due again) for `leaseMs`. */
  claimOutbox(forwarder: string, nowMs: number, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  /** Delivered, or dropped after the give-up age: the row is deleted. */
  removeOutbox(id: number): Promise<void>;
  /** A failed attempt: counted, due again at `nextAttemptMs`. */
  retryOutbox(id: number, nextAttemptMs: number, error: string): Promise<void>;
  /** Undelivered rows per forwarder (names no longer configured included). */
  outboxStats(): Promise<{ forwarder: string; pending: number; oldestMs: number }[]>;
}
