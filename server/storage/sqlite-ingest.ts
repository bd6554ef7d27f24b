import type Database from 'better-sqlite3';
import { ingestSteps } from '../ingest/steps.js';
import { syncDriver } from '../db/sql/steps.js';
import type { IngestItem, IngestOutcome, IngestPolicy } from '../ingest/item.js';

/**
 * SQLite's driver of the ingest (server/ingest/steps.ts): the steps run synchronously, one `db.transaction` per batch
 * (no promise per statement: this is the throughput path), and counters are told once it has committed.
 */
export function prepareIngest(db: Database.Database, forwarders: readonly string[] = []) {
  const steps = ingestSteps({ dialect: 'sqlite' }, { forwarders, ownsDatabase: true });
  const drive = syncDriver(db);
  let afterCommit: (() => void)[] = [];
  const run = db.transaction((items: readonly IngestItem[], policy: IngestPolicy): IngestOutcome[] => drive(steps.batch(items, policy, afterCommit)));

  const ingest = (items: readonly IngestItem[], policy: IngestPolicy): IngestOutcome[] => {
    afterCommit = [];
    const outcomes = run(items, policy);
    for (const told of afterCommit) told();
    return outcomes;
  };
  const skewRefused = db.transaction((deviceId: string, skewS: number, at: Date) => drive(steps.skewRefused(deviceId, skewS, at)));
  return Object.assign(ingest, { skewRefused });
}
