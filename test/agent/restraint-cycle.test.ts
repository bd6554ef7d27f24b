import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processesSchema } from '../../schema/snapshot/processes.js';
import { softwareSchema } from '../../schema/snapshot/software.js';
import type { Collector } from '../../collectors/types.js';
import { parseConfig } from '../../agent/config.js';
import { CycleRunner } from '../../agent/cycle.js';
import { restCycles } from '../../agent/restraint.js';
import { Spool } from '../../agent/spool.js';
import { fakeContext } from '../helpers/fake-context.js';
import { captureLog } from './log-capture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-restraint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enrollment = { deviceId: 'restraint-dev', token: 't'.repeat(43), fleetKey: 'k'.repeat(43), serverUrl: 'http://127.0.0.1:9', enrolledAt: '2026-01-01T00:00:00Z' };

/** Burns CPU on the event loop for `ms` (a collector made slow on purpose). */
function burn(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) Math.sqrt(Math.random());
}

describe('self-restraint in the daemon cycle', () => {
  it('a collector made slow on purpose is rested, the interval stretches, and agent.health says so', async () => {
    const { log, lines } = captureLog();
    let softwareRuns = 0;
    const processes: Collector<unknown> = {
      name: 'processes', schema: processesSchema, cadence: 'fast',
      collect: async () => ({ status: 'ok', data: [{ pid: 1, name: 'init' }] }),
    };
    const software: Collector<unknown> = {
      name: 'software', schema: softwareSchema, cadence: 'slow',
      collect: async () => {
        softwareRuns += 1;
        burn(250);
        return { status: 'ok', data: { items: [] } };
      },
    };
    const config = parseConfig({ stateDir: dir, intervalSec: 60, report: { snapshot: 'always' }, budget: { cpuMsPerCycle: 120 } });
    const spool = new Spool(dir, config.report.spoolMaxBytes, log);
    await spool.open();
    let clock = Date.parse('2026-03-01T12:00:00Z');
    const runner = new CycleRunner(config, enrollment, spool, log, {
      now: () => clock,
      collectors: [processes, software],
      makeContext: (signal) => ({ ...fakeContext(), signal }),
    });

    const first = await runner.run();
    expect(softwareRuns).toBe(1);
    expect(runner.intervalMs()).toBe(120_000);
    const h1 = first.report.agent.health;
    expect(h1.cpuMs).toBeGreaterThan(120);
    expect(h1.restraint).toEqual([
      expect.stringMatching(/^cycle CPU \d+ ms over budget 120 ms: interval stretched ×2$/),
      expect.stringMatching(new RegExp(`over budget 120 ms: software \\(\\d+(\\.\\d)? ms, the costliest collector that may rest\\) rests ${restCycles} cycles$`)),
    ]);
    expect(h1.restraintState).toEqual({ stretch: 2, resting: { software: restCycles }, over: ['cpu'] });
    expect(lines().find((l) => l.msg === `self-restraint: ${h1.restraint?.[1]}`)).toMatchObject({ level: 40, collector: 'software', cycles: restCycles });

    // Two hours later software is due again, but it rests: not run, its previous reading kept, and health says so.
    clock += 2 * 3600_000;
    const second = await runner.run();
    expect(softwareRuns).toBe(1);
    const snap = second.report.snapshot as unknown as { collectors: Record<string, { status: string }> } | undefined;
    expect(snap?.collectors.software?.status).toBe('skipped');
    const h2 = second.report.agent.health;
    expect(h2.cpuMs).toBeLessThanOrEqual(120);
    expect(h2.restraint).toContain(`software resting: ${restCycles - 1} more cycles`);
    expect(runner.intervalMs()).toBe(60_000);
    expect(h2.maxEventLoopBlockMs).toBeTypeOf('number');
    expect(h1.maxEventLoopBlockMs).toBeGreaterThanOrEqual(200);

    // Once the rest is over (and the collector is due), it runs again.
    for (let i = 0; i < restCycles - 1; i++) await runner.run();
    clock += 2 * 3600_000;
    await runner.run();
    expect(softwareRuns).toBe(2);
  });
});
