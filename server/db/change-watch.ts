/**
 * An in-memory cache's freshness against the database's change counter (replica_changes, moved in the transaction of
 * every change that matters to a cache): asked at most every `recheckMs` (the monotonic clock: the server's own clock
 * may be set by tests), so a change made on another replica takes effect here within that, plus one query.
 * `generation` moves whenever the cache is dropped: a read begun before must not store what it read.
 */
export class ChangeWatch {
  private current = 0;
  private seenChanges: number | undefined;
  private checkedAt = -Infinity;
  private checking: Promise<void> | undefined;

  /**
   * `changeCount` absent: one process owns the database (SQLite), and only `invalidate` drops the cache.
   * `onChange` empties the cache (and may reload it) once the counter moved.
   */
  constructor(
    private readonly changeCount: (() => Promise<number>) | undefined,
    private readonly onChange: () => void | Promise<void>,
    private readonly recheckMs = 250,
  ) {}

  get generation(): number {
    return this.current;
  }

  /** This process changed something: reads begun before are not stored. */
  invalidate(): void {
    this.current++;
  }

  /** The cache, valid as of at most recheckMs ago; `stale` (nothing loaded yet) checks now and reloads. */
  async fresh(stale = false): Promise<void> {
    if (!this.changeCount || (!stale && performance.now() - this.checkedAt < this.recheckMs)) return;
    this.checking ??= this.check(this.changeCount, stale).finally(() => (this.checking = undefined));
    await this.checking;
  }

  private async check(changeCount: () => Promise<number>, stale: boolean): Promise<void> {
    const started = performance.now();
    const changes = await changeCount();
    if (changes !== this.seenChanges || stale) {
      this.current++;
      await this.onChange();
      this.seenChanges = changes;
    }
    this.checkedAt = started;
  }
}
