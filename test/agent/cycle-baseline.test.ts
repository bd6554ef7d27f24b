import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baselineFile } from '../../agent/baseline.js';
import { parseConfig } from '../../agent/config.js';
import { CycleRunner } from '../../agent/cycle.js';
import { Spool } from '../../agent/spool.js';
import { processesSchema, type Processes } from '../../schema/snapshot/processes.js';
import type { Collector } from '../../collectors/types.js';
import { fakeContext } from '../helpers/fake-context.js';
import { captureLog } from './log-capture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cycle-baseline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const enrollment = { deviceId: 'baseline-dev', token: 't'.repeat(43), fleetKey: 'k'.repeat(43), serverUrl: 'http://127.0.0.1:9', enrolledAt: '2026-01-01T00:00:00Z' };
const day = 24 * 3600_000;

/** A processes collector whose list the test changes between cycles. */
function processesOf(list: { current: Processes }): Collector<unknown> {
  return { name: 'processes', schema: processesSchema, cadence: 'fast', collect: async () => ({ status: 'ok', data: list.current }) };
}

async function runner(list: { current: Processes }, clock: { t: number }) {
  const { log, lines } = captureLog();
  const config = parseConfig({ stateDir: dir, intervalSec: 300 });
  const spool = new Spool(dir, config.report.spoolMaxBytes, log);
  await spool.open();
  const cycles = new CycleRunner(config, enrollment, spool, log, {
    now: () => clock.t,
    collectors: [processesOf(list)],
    makeContext: (signal) => ({ ...fakeContext(), signal }),
  });
  return { cycles, lines };
}

const quiet: Processes = [{ pid: 1, name: 'systemd', exe: '/usr/lib/systemd/systemd' }, { pid: 900, name: 'bash', exe: '/usr/bin/bash' }];
const withAnyDesk: Processes = [...quiet, { pid: 4242, name: 'anydesk', exe: '/usr/bin/anydesk', user: 'alice' }];

describe('the daemon keeps one collector memory for its lifetime', () => {
  it('every cycle of a daemon hands collectors the same memory; another daemon starts with its own', async () => {
    const seen: (Map<string, unknown> | undefined)[] = [];
    const remembering: Collector<unknown> = {
      name: 'processes', schema: processesSchema, cadence: 'fast',
      collect: async (ctx) => {
        seen.push(ctx.memory);
        return { status: 'ok', data: quiet };
      },
    };
    const { log } = captureLog();
    const config = parseConfig({ stateDir: dir, intervalSec: 300 });
    const spool = new Spool(dir, config.report.spoolMaxBytes, log);
    await spool.open();
    const daemon = () => new CycleRunner(config, enrollment, spool, log, {
      collectors: [remembering],
      makeContext: (signal, _log, _cycle, memory) => ({ ...fakeContext(memory ? { memory } : {}), signal }),
    });
    const first = daemon();
    await first.run();
    await first.run();
    await daemon().run();
    expect(seen[0]).toBeInstanceOf(Map);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBeInstanceOf(Map);
    expect(seen[2]).not.toBe(seen[0]);
  });
});

describe('the daemon cycle keeps the device baseline', () => {
  it('a remote tool that appears after the learning day gives baseline.new-remote-tool on the next cycle', async () => {
    const list = { current: quiet };
    const clock = { t: Date.parse('2026-03-01T09:00:00Z') };
    const { cycles } = await runner(list, clock);
    const first = await cycles.run();
    expect(first.report.findings.map((f) => f.rule)).not.toContain('baseline.new-remote-tool');
    const saved = JSON.parse(await readFile(join(dir, baselineFile), 'utf8')) as { firstSeen: string; remoteTools: string[] };
    expect(saved.firstSeen).toBe('2026-03-01T09:00:00.000Z');
    expect(saved.remoteTools).toEqual([]);

    clock.t += 2 * day;
    list.current = withAnyDesk;
    const second = await cycles.run();
    const rules = second.report.findings.map((f) => f.rule);
    expect(rules).toContain('remote-access.running');
    expect(second.report.findings.find((f) => f.rule === 'baseline.new-remote-tool')?.subject).toBe('anydesk');
    const after = JSON.parse(await readFile(join(dir, baselineFile), 'utf8')) as { remoteTools: string[]; since: Record<string, string> };
    expect(after.remoteTools).toEqual(['anydesk']);
    expect(after.since['tool:anydesk']).toBe(new Date(clock.t).toISOString());
  });

  it('loads the baseline once at start: a tool known to a previous daemon is not new', async () => {
    const list = { current: withAnyDesk };
    const clock = { t: Date.parse('2026-03-01T09:00:00Z') };
    const before = await runner(list, clock);
    await before.cycles.run();
    clock.t += 2 * day;
    list.current = [...withAnyDesk, { pid: 4343, name: 'rustdesk', exe: '/usr/bin/rustdesk', user: 'alice' }];
    await before.cycles.run(); // rustdesk joins the baseline after the learning day
    clock.t += 8 * day;
    const restarted = await runner(list, clock);
    const report = (await restarted.cycles.run()).report;
    expect(report.findings.filter((f) => f.rule === 'remote-access.running').map((f) => f.subject).sort()).toEqual(['anydesk', 'rustdesk']);
    // Past the drift window the restarted daemon's baseline knows rustdesk: not new any more.
    expect(report.findings.filter((f) => f.rule === 'baseline.new-remote-tool').map((f) => f.subject)).toEqual(['anydesk']);
  });

  it('the new-hire window: a tool present at first enrollment still scores after the baseline forms', async () => {
    const list = { current: withAnyDesk };
    const clock = { t: Date.parse('2026-03-01T09:00:00Z') };
    const { cycles } = await runner(list, clock);
    const first = await cycles.run();
    expect(first.report.findings.map((f) => f.rule)).not.toContain('baseline.new-remote-tool');
    const saved = JSON.parse(await readFile(join(dir, baselineFile), 'utf8')) as { since: Record<string, string> };
    expect(saved.since['tool:anydesk']).toBe('2026-03-01T09:00:00.000Z');

    // Weeks later, long past the learning day and the drift window: the tool of the first day is still named and scored.
    clock.t += 30 * day;
    const later = await cycles.run();
    const f = later.report.findings.find((x) => x.rule === 'baseline.new-remote-tool');
    expect(f).toMatchObject({ subject: 'anydesk', title: 'A remote-access tool present since enrollment', evidence: { presentSinceEnrollment: true, firstSeen: '2026-03-01T09:00:00.000Z' } });
    expect(f?.suppressed).toBeFalsy();
    // It adds to the score: the same cycle judged without it scores lower.
    const { scoreFindings } = await import('../../rules/score.js');
    const without = later.report.findings.filter((x) => x !== f);
    expect(later.report.score).toBeGreaterThan(scoreFindings(without).score);
  });

  it('a corrupt baseline is logged and replaced, and the cycle still reports', async () => {
    await writeFile(join(dir, baselineFile), '{not json');
    const { cycles, lines } = await runner({ current: quiet }, { t: Date.parse('2026-03-01T09:00:00Z') });
    const result = await cycles.run();
    expect(result.report.deviceId).toBe('baseline-dev');
    expect(lines().some((l) => l.msg === 'baseline unreadable: starting a new one')).toBe(true);
    expect(JSON.parse(await readFile(join(dir, baselineFile), 'utf8'))).toMatchObject({ version: 1, remoteTools: [] });
  });
});
