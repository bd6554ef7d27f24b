import { ChangeWatch } from '../db/change-watch.js';

/**
 * Token hash → device id, so the report route's authentication skips a lookup per report. Single-process (SQLite):
 * the lifecycle drops a device's entries when its token changes (`forget`). Replicas (PostgreSQL): also checked
 * against the database's change counter (replica_changes, moved in the transaction of every token change) at most
 * every `recheckMs`, so that a token rotated or revoked on another replica stops working here within that, plus one
 * query.
 */
export class TokenCache {
  private readonly devices = new Map<string, string>();
  private readonly watch: ChangeWatch;

  constructor(
    changeCount?: () => Promise<number>,
    recheckMs = 250,
    private readonly maxEntries = 500_000,
  ) {
    this.watch = new ChangeWatch(changeCount, () => this.devices.clear(), recheckMs);
  }

  /** The cached device of a token hash, valid as of at most recheckMs ago, and the generation to hand to set(). */
  async get(key: string): Promise<{ deviceId: string | undefined; generation: number }> {
    await this.watch.fresh();
    return { deviceId: this.devices.get(key), generation: this.watch.generation };
  }

  /** What a lookup begun at `generation` found; dropped when entries were dropped meanwhile. */
  set(key: string, deviceId: string, generation: number): void {
    if (generation !== this.watch.generation) return;
    if (this.devices.size >= this.maxEntries) this.devices.clear();
    this.devices.set(key, deviceId);
  }

  /** A device's token changed on this process: its entries go at once. */
  forget(deviceId: string): void {
    this.watch.invalidate();
    for (const [key, id] of this.devices) if (id === deviceId) this.devices.delete(key);
  }
}
