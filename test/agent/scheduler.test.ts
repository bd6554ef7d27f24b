import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { jitteredDelay, Scheduler } from '../../agent/scheduler.js';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Scheduler', () => {
  it('jitters the interval within ±10 %', () => {
    expect(jitteredDelay(300_000, 0.1, () => 0)).toBe(270_000);
    expect(jitteredDelay(300_000, 0.1, () => 1)).toBe(330_000);
    expect(jitteredDelay(300_000, 0.1, () => 0.5)).toBe(300_000);
  });

  it('never runs two cycles at once, even when a cycle outlasts the interval', async () => {
    let running = 0;
    let most = 0;
    let count = 0;
    const scheduler = new Scheduler({
      intervalMs: () => 5,
      log,
      cycle: async () => {
        running += 1;
        most = Math.max(most, running);
        count += 1;
        await sleep(30);
        running -= 1;
      },
    });
    const done = scheduler.run();
    await sleep(200);
    scheduler.stop();
    await done;
    expect(most).toBe(1);
    expect(count).toBeGreaterThanOrEqual(3);
  });

  it('stop() lets the cycle in hand finish, then run() resolves without starting another', async () => {
    const events: string[] = [];
    let scheduler: Scheduler | undefined;
    scheduler = new Scheduler({
      intervalMs: () => 10,
      log,
      cycle: async () => {
        events.push('start');
        scheduler?.stop(); // a signal arrives mid-cycle
        await sleep(50);
        events.push('end');
      },
    });
    await scheduler.run();
    expect(events).toEqual(['start', 'end']);
  });

  it('a cycle that throws is logged and the schedule goes on', async () => {
    let calls = 0;
    const scheduler = new Scheduler({
      intervalMs: () => 1,
      log,
      cycle: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        if (calls === 3) scheduler.stop();
      },
    });
    await scheduler.run();
    expect(calls).toBe(3);
  });
});
