import { describe, expect, it } from 'vitest';
import { startLoopMonitor } from '../../agent/loop-monitor.js';

/** Holds the event loop for `ms` (a block, on purpose). */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('startLoopMonitor', () => {
  it('sees a block made right after it starts (monitorEventLoopDelay alone misses one before its first tick)', async () => {
    const loop = await startLoopMonitor();
    block(80);
    await new Promise((r) => setTimeout(r, 5));
    expect(loop.stop()).toBeGreaterThanOrEqual(75);
  });

});
