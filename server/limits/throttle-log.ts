import type { Logger } from 'pino';

export const limitNames = ['reports', 'enrollPerSecret', 'enrollGuesses', 'adminGuesses'] as const;
export type LimitName = (typeof limitNames)[number];

/** A key throttled recently, for the dashboard. */
export interface ThrottledKey {
  limit: LimitName;
  key: string;
  /** Requests refused since the server started (while this key was remembered). */
  refused: number;
  lastMs: number;
}

const maxRemembered = 1_000;

/**
 * What the limiters refused: counters per limit (metrics, dashboard), the keys refused recently, and one log line per
 * key per window (`windowMs`) carrying how many were refused since the previous line, so a flood writes a few lines,
 * not one per request.
 */
export class ThrottleLog {
  readonly totals = new Map<LimitName, number>(limitNames.map((n) => [n, 0]));
  private readonly keys = new Map<string, ThrottledKey & { loggedMs: number; sinceLine: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly windowMs = 60_000,
  ) {}

  refused(limit: LimitName, key: string, retryAfterS: number): void {
    this.totals.set(limit, (this.totals.get(limit) ?? 0) + 1);
    const id = `${limit} ${key}`;
    const t = this.now();
    let entry = this.keys.get(id);
    if (entry) this.keys.delete(id);
    else entry = { limit, key, refused: 0, lastMs: t, loggedMs: -Infinity, sinceLine: 0 };
    entry.refused += 1;
    entry.sinceLine += 1;
    entry.lastMs = t;
    // Re-inserted: Map order is least recently refused first, which is what is dropped past the bound.
    this.keys.set(id, entry);
    if (this.keys.size > maxRemembered) this.keys.delete(this.keys.keys().next().value as string);
    if (t - entry.loggedMs >= this.windowMs) {
      this.log.warn({ limit, key, refused: entry.sinceLine, retryAfterS }, `throttled: ${limit} limit reached for ${key}`);
      entry.loggedMs = t;
      entry.sinceLine = 0;
    }
  }

  /** The keys refused most recently first, at most `n`. */
  recent(n: number): ThrottledKey[] {
    return [...this.keys.values()]
      .reverse()
      .slice(0, n)
      .map(({ limit, key, refused, lastMs }) => ({ limit, key, refused, lastMs }));
  }

  metricsText(): string {
    const lines = ['# HELP farmwatch_throttled_total Requests refused by a rate limit (429), by limit', '# TYPE farmwatch_throttled_total counter'];
    for (const [limit, n] of this.totals) lines.push(`farmwatch_throttled_total{limit="${limit}"} ${n}`);
    return `${lines.join('\n')}\n`;
  }
}
