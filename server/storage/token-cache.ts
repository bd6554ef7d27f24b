/**
 * Token hash → device id, so the report route's authentication skips a lookup per report. Single-process (SQLite):
 * the lifecycle drops a device's entries when its token changes (`forget`). Replicas (PostgreSQL): also checked
 * against the database's change counter (replica_changes, moved in the transaction of every token change) at most
 * every `recheckMs`, so that a token rotated or revoked on another replica stops working here within that, plus one
 * query.
 */
export class TokenCache {
  private readonly devices = new Map<string, string>();
  /** Moves whenever entries are dropped: a lookup begun before must not store what it read. */
  private generation = 0;
  private seenChanges: number | undefined;
  private checkedAt = -Infinity;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly changeCount?: () => Promise<number>,
    private readonly recheckMs = 250,
    private readonly maxEntries = 500_000,
  ) {}

  /** The cached device of a token hash, valid as of at most recheckMs ago, and the generation to hand to set(). */
  async get(key: string): Promise<{ deviceId: string | undefined; generation: number }> {
    // The monotonic clock: the server's own clock may be set by tests.
    if (this.changeCount && performance.now() - this.checkedAt >= this.recheckMs) {
      this.checking ??= this.check(this.changeCount).finally(() => (this.checking = undefined));
      await this.checking;
    }
    return { deviceId: this.devices.get(key), generation: this.generation };
  }

  /** What a lookup begun at `generation` found; dropped when entries were dropped meanwhile. */
  set(key: string, deviceId: string, generation: number): void {
    if (generation !== this.generation) return;
    if (this.devices.size >= this.maxEntries) this.devices.clear();
    this.devices.set(key, deviceId);
  }

  /** A device's token changed on this process: its entries go at once. */
  forget(deviceId: string): void {
    this.generation++;
    for (const [key, id] of this.devices) if (id === deviceId) this.devices.delete(key);
  }

  private async check(changeCount: () => Promise<number>): Promise<void> {
    const started = performance.now();
    const changes = await changeCount();
    if (changes !== this.seenChanges) {
      this.generation++;
      this.devices.clear();
      this.seenChanges = changes;
    }
    this.checkedAt = started;
  }
}
