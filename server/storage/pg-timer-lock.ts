import pg from 'pg';

/** The timers' lock: one key for every periodic job (silence check, retention prune). */
const timersLock = 0x74696d72; // 'timr'

/**
 * Elects one replica to run the periodic jobs: a session-level advisory lock on a connection of its own. The lock
 * lives exactly as long as that connection: when the holder dies (or its connection does), PostgreSQL releases it
 * and another replica's next tick takes it. A tick on a replica that does not hold it costs one query.
 */
export class TimerLock {
  private client: pg.Client | undefined;
  private held = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly report: (message: string) => void,
    private readonly onChange: ((held: boolean) => void) | undefined,
  ) {}

  /** True when this replica holds the lock (taking it if it is free). */
  async acquire(): Promise<boolean> {
    if (this.closed) return false;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'farmwatch-timers' });
        // A dropped connection loses the lock: forget both, try again on the next tick.
        client.on('error', (err) => {
          this.report(`timer lock connection: ${err.message}`);
          this.drop(client);
        });
        client.on('end', () => this.drop(client));
        await client.connect();
        this.client = client;
      }
      if (this.held) {
        // Still connected (a cheap round trip): the lock is still ours.
        await this.client.query('SELECT 1');
        return this.held;
      }
      const { rows } = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [timersLock]);
      if (rows[0]?.ok) this.set(true);
      return this.held;
    } catch (err) {
      this.report(`timer lock: ${(err as Error).message}`);
      if (this.client) this.drop(this.client);
      return false;
    }
  }

  private set(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    this.onChange?.(held);
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.set(false);
    client.end().catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.held = false;
    await client?.end().catch(() => {});
  }
}
