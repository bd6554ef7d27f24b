import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { CycleRunner } from '../../agent/cycle.js';
import { Spool } from '../../agent/spool.js';
import { reportSchema } from '../../schema/report.js';
import { captureLog } from './log-capture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cycle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enrollment = { deviceId: 'cycle-dev', token: 't'.repeat(43), fleetKey: 'k'.repeat(43), serverUrl: 'http://127.0.0.1:9', enrolledAt: '2026-01-01T00:00:00Z' };

describe('CycleRunner (real collectors on this machine)', () => {
  it('spools a valid report with health, probes its own server by default, and runs slow collectors hourly', async () => {
    const { log } = captureLog();
    // A CPU budget this machine cannot exceed here: self-restraint would stretch the interval (tested apart).
    const config = parseConfig({ stateDir: dir, intervalSec: 60, report: { snapshot: 'always' }, budget: { cpuMsPerCycle: 1e6 } });
    const spool = new Spool(dir, config.report.spoolMaxBytes, log);
    await spool.open();
    let clock = Date.parse('2026-01-01T12:00:00Z');
    const runner = new CycleRunner(config, enrollment, spool, log, () => clock);

    const first = await runner.run();
    const onDisk = reportSchema.parse(JSON.parse(await readFile(join(spool.dir, first.spooledAs), 'utf8')));
    expect(onDisk.reportId).toBe(first.report.reportId);
    expect(onDisk.deviceId).toBe('cycle-dev');
    const { health } = onDisk.agent;
    for (const key of ['cpuMs', 'wallMs', 'rssMiB', 'forks', 'spoolEntries', 'spoolDropped', 'deadLettered']) expect(health[key], key).toBeTypeOf('number');
    expect(Date.parse(onDisk.nextReportBy) - clock).toBe(66_000 + config.collectTimeoutMs + 15_000);
    const snapshot = onDisk.snapshot as unknown as { network?: { probes: { host: string; port: number }[] }; collectors: Record<string, { status: string }> };
    expect(snapshot.network?.probes).toContainEqual(expect.objectContaining({ host: '127.0.0.1', port: 9 }));
    expect(snapshot.collectors.software?.status).not.toBe('skipped');

    clock += 10 * 60_000;
    const second = (await runner.run()).report.snapshot as unknown as typeof snapshot;
    expect(second.collectors.software?.status).toBe('skipped');
    expect(second.collectors.host?.status).toBe('skipped');

    clock += 60 * 60_000;
    const third = (await runner.run()).report.snapshot as unknown as typeof snapshot;
    expect(third.collectors.software?.status).not.toBe('skipped');
    expect((await spool.list()).length).toBe(3);
  });

  it('over its CPU budget, stretches the interval (up to ×4) and says so in health.restraint', async () => {
    const { log } = captureLog();
    const config = parseConfig({ stateDir: dir, intervalSec: 60, budget: { cpuMsPerCycle: 0.001 } });
    const spool = new Spool(dir, config.report.spoolMaxBytes, log);
    await spool.open();
    const runner = new CycleRunner(config, enrollment, spool, log);
    expect(runner.intervalMs()).toBe(60_000);
    const first = await runner.run();
    expect(runner.intervalMs()).toBe(120_000);
    expect(first.report.agent.health.restraint?.[0]).toMatch(/over budget .* interval stretched ×2/);
    await runner.run();
    await runner.run();
    expect(runner.intervalMs()).toBe(240_000);
  });
});

describe('CycleRunner and the device policy key sessionRttProbe', () => {
  it('hands the policy\'s sessionRttProbe to the collectors of the next cycle (off without a policy)', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { z } = await import('zod');
    const { log } = captureLog();
    const seen: (boolean | undefined)[] = [];
    const probe = { name: 'network', schema: z.unknown(), cadence: 'fast' as const, collect: async (ctx: { options: { sessionRttProbe?: boolean } }) => {
      seen.push(ctx.options.sessionRttProbe);
      return { status: 'unsupported' as const, platform: process.platform, reason: 'test' };
    } };
    const config = parseConfig({ stateDir: dir, intervalSec: 60, budget: { cpuMsPerCycle: 1e6 } });
    const spool = new Spool(dir, config.report.spoolMaxBytes, log);
    await spool.open();
    const runner = new CycleRunner(config, enrollment, spool, log, { now: () => Date.parse('2026-01-01T12:00:00Z'), collectors: [probe] });
    await runner.run();
    const policy = { version: 2, expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], weights: {}, sessionRttProbe: true };
    await writeFile(join(dir, 'policy.json'), JSON.stringify(policy));
    await runner.run();
    expect(seen).toEqual([false, true]);
  });
});
