import type { Logger } from 'pino';

export interface SchedulerOptions {
  /** The interval for the next wait, asked after each cycle (self-restraint may stretch it). */
  intervalMs: () => number;
  cycle: () => Promise<void>;
  log: Logger;
  /** Fraction of the interval drawn uniformly either side: 0.1 → ±10 %. */
  jitter?: number;
  random?: () => number;
}

/** The wait before the next cycle: interval × (1 ± jitter), so a fleet started together does not report in step. */
export function jitteredDelay(intervalMs: number, jitter = 0.1, random: () => number = Math.random): number {
  return Math.max(0, Math.round(intervalMs * (1 - jitter + 2 * jitter * random())));
}

/**
 * Runs a cycle, waits, runs the next. Cycles never overlap: the next wait starts only once a cycle is over.
 * stop() lets the cycle in hand finish and cancels the wait; run() resolves then.
 */
export class Scheduler {
  private stopping = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SchedulerOptions) {}

  get stopped(): boolean {
    return this.stopping;
  }

  async run(): Promise<void> {
    const { log } = this.opts;
    while (!this.stopping) {
      try {
        await this.opts.cycle();
      } catch (err) {
        // A cycle that throws is a bug; the daemon logs it and keeps its schedule rather than dying.
        log.error({ err }, 'cycle failed');
      }
      if (this.stopping) break;
      const delay = jitteredDelay(this.opts.intervalMs(), this.opts.jitter ?? 0.1, this.opts.random);
      log.debug({ delayMs: delay }, 'next cycle scheduled');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, delay);
      });
      this.wake = undefined;
    }
  }

  stop(): void {
    this.stopping = true;
    clearTimeout(this.timer);
    this.wake?.();
  }
}
