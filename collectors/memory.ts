import type { CollectContext } from './types.js';

/**
 * A collector's state carried between cycles (CollectContext.memory), created on first use under `key`.
 * Without a memory (a one-shot run) every call gets fresh state, so the collector reads everything.
 */
export function memoryOf<T>(ctx: CollectContext, key: string, create: () => T): T {
  const memory = ctx.memory;
  if (!memory) return create();
  let state = memory.get(key) as T | undefined;
  if (state === undefined) {
    state = create();
    memory.set(key, state);
  }
  return state;
}
