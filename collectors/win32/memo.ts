import type { CollectContext } from '../types.js';

/**
 * Runs `work` once per cycle under `key` (CollectContext.cycle, created by collectSnapshot), so that concurrent
 * collectors share one result. Without a cycle map (a collector run alone) the work simply runs.
 */
export function memo<T>(ctx: CollectContext, key: string, work: () => Promise<T>): Promise<T> {
  const cycle = ctx.cycle;
  if (!cycle) return work();
  let p = cycle.get(key) as Promise<T> | undefined;
  if (!p) {
    p = work();
    cycle.set(key, p);
  }
  return p;
}
