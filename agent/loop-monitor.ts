import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoopMonitor {
  /** Stops the monitor; the longest event-loop block seen, in ms above the resolution. */
  stop(): number;
}

/**
 * monitorEventLoopDelay measures the gap between two ticks of its own timer, so a block before its first tick is
 * never seen (measured: a 100 ms block right after enable() read as 1 ms). This starts it and waits for that tick.
 */
export async function startLoopMonitor(resolutionMs = 1): Promise<LoopMonitor> {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  await sleep(resolutionMs * 2 + 1);
  return {
    stop() {
      histogram.disable();
      return Math.max(0, Math.round(histogram.max / 1e6 - resolutionMs));
    },
  };
}
