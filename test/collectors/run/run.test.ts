import { describe, expect, it } from 'vitest';
import { platformSource } from '../../../collectors/platform.js';
import { prepareCollectors } from '../../../collectors/run.js';
import type { Collector } from '../../../collectors/types.js';
import { z } from 'zod';

describe('preparing collectors ahead of the first cycle', () => {
  it('loads a platform source once: prepare() then collect() share one load', async () => {
    let loads = 0;
    const source = platformSource<number>({
      linux: async () => {
        loads++;
        return { collect: async () => ({ status: 'ok', data: 7 }) };
      },
    }, 'linux');
    await source.prepare();
    expect(loads).toBe(1);
    expect(await source({} as never)).toEqual({ status: 'ok', data: 7 });
    expect(loads).toBe(1);
  });

  it('an unsupported platform prepares to nothing and still says unsupported', async () => {
    const source = platformSource<number>({}, 'aix');
    await source.prepare();
    expect(await source({} as never)).toMatchObject({ status: 'unsupported', platform: 'aix' });
  });

  it('prepares each collector in its own turn of the event loop, and skips those without prepare', async () => {
    const order: string[] = [];
    const make = (name: string, prepare?: () => void): Collector<number> => ({
      name, schema: z.number(), cadence: 'fast',
      collect: async () => ({ status: 'ok', data: 1 }),
      ...(prepare ? { prepare: async () => prepare() } : {}),
    });
    await prepareCollectors([
      // work queued for the event loop while `a` prepares runs before `c` prepares: the loop got a turn between them
      make('a', () => {
        order.push('a');
        setImmediate(() => order.push('loop turn'));
      }),
      make('b'),
      make('c', () => order.push('c')),
    ]);
    expect(order).toEqual(['a', 'loop turn', 'c']);
  });
});

describe('collectSnapshot runs collectors concurrently, each starting in its own turn of the event loop', () => {
  it('the event loop gets a turn between two collectors\' synchronous starts, and both still overlap', async () => {
    const { collectSnapshot } = await import('../../../collectors/run.js');
    const { pino } = await import('pino');
    const order: string[] = [];
    let releaseA!: () => void;
    const aWaits = new Promise<void>((r) => (releaseA = r));
    const a: Collector<number> = {
      name: 'processes', schema: z.number(), cadence: 'fast',
      collect: async () => {
        order.push('a starts');
        setImmediate(() => order.push('loop turn'));
        await aWaits; // still running when b starts: concurrent, not one after the other
        order.push('a ends');
        return { status: 'ok', data: 1 };
      },
    };
    const b: Collector<number> = {
      name: 'network', schema: z.number(), cadence: 'fast',
      collect: async () => {
        order.push('b starts');
        releaseA();
        return { status: 'ok', data: 2 };
      },
    };
    const snap = await collectSnapshot([a, b], { agentVersion: 't', log: pino({ level: 'silent' }), options: { probeAnchors: [], redactCommandLines: false }, makeContext: (signal) => ({ signal }) as never });
    expect(order).toEqual(['a starts', 'loop turn', 'b starts', 'a ends']);
    expect(snap.collectors.processes?.status).toBe('ok');
    expect(snap.collectors.network?.status).toBe('ok');
  });
});
