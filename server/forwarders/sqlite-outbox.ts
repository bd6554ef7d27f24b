import type Database from 'better-sqlite3';
import { syncDriver } from '../storage/sql/steps.js';
import { outboxSteps, type AlertChanged } from './outbox.js';

/** The outbox writer on SQLite's synchronous ingest: server/forwarders/outbox.ts's steps, run synchronously. */
export function prepareOutboxWriter(db: Database.Database, forwarders: readonly string[], clock: () => number = Date.now): AlertChanged {
  const changed = outboxSteps({ dialect: 'sqlite' }, forwarders, clock);
  if (!changed) return () => {};
  const steps = syncDriver(db);
  return (alertId, kind, before) => steps(changed(alertId, kind, before));
}
