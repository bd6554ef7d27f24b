import { mkdtemp, readFile, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldCycle, loadBaseline, localHour, updateBaseline, BaselineError } from '../../agent/baseline.js';
import { evaluate } from '../../rules/engine.js';
import { contextRules } from '../../rules/context/index.js';
import type { Finding } from '../../rules/types.js';
import { makeContext, makeSnapshot } from '../rules/context/make-snapshot.js';

const ra = (rule: string, subject: string): Finding => ({ rule, title: '', severity: 'high', confidence: 1, evidence: {}, subject });
const kvm = { name: 'JetKVM USB Emulation Device', kind: 'pointer' as const, absolutePointer: true, bus: 'usb' as const, vendorId: '1d6b', productId: '0104' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-baseline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('agent baseline', () => {
  it('has none before the first update, then a 0600 file with tools, inputs, zone and hours', async () => {
    expect(await loadBaseline(dir)).toBeUndefined();
    const snap = makeSnapshot({ collectedAt: '2026-01-15T15:00:00.000Z', inputs: { devices: [kvm] } });
    const { baseline } = await updateBaseline(join(dir, 'state'), snap, { findings: [ra('remote-access.running', 'anydesk'), ra('network.vpn', 'astrill')] });
    const file = join(dir, 'state', 'baseline.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const loaded = await loadBaseline(join(dir, 'state'));
    expect(loaded).toEqual(baseline);
    expect(loaded?.remoteTools).toEqual(['anydesk']);
    expect(loaded?.inputDevices).toEqual(['usb|1d6b:0104|jetkvm usb emulation device']);
    expect(loaded?.timezone).toBe('America/Chicago');
    // 15:00 UTC is 09:00 in Chicago: the hour on the machine's clock.
    expect(loaded?.activityHours?.[9]).toBe(1);
    expect((await readdir(join(dir, 'state'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('counts only cycles with input within the interval, and none when activity hours are off', () => {
    const idle = makeSnapshot({ activity: { idleSeconds: 900 } });
    expect(foldCycle(undefined, idle, [], { intervalSec: 300 }).activityHours?.reduce((a, b) => a + b)).toBe(0);
    expect(foldCycle(undefined, makeSnapshot(), [], { activityHours: false }).activityHours).toBeUndefined();
  });

  it('records a zone change with its time, and keeps the known zone when locale was not collected', () => {
    const first = foldCycle(undefined, makeSnapshot(), []);
    const moved = foldCycle(first, makeSnapshot({ collectedAt: '2026-01-16T00:00:00.000Z', locale: { ...makeSnapshot().locale!, timezone: 'Asia/Pyongyang' } }), []);
    expect(moved).toMatchObject({ timezone: 'Asia/Pyongyang', previousTimezone: 'America/Chicago', timezoneChangedAt: '2026-01-16T00:00:00.000Z' });
    expect(foldCycle(moved, makeSnapshot({ locale: null }), []).timezone).toBe('Asia/Pyongyang');
  });

  it('turns a corrupt file into a BaselineError on load, and into a fresh baseline on update', async () => {
    await writeFile(join(dir, 'baseline.json'), '{"firstSeen": 3');
    await expect(loadBaseline(dir)).rejects.toBeInstanceOf(BaselineError);
    const r = await updateBaseline(dir, makeSnapshot(), { findings: [] });
    expect(r.reset).toContain('not valid JSON');
    expect(JSON.parse(await readFile(join(dir, 'baseline.json'), 'utf8')).firstSeen).toBe('2026-01-15T15:00:00.000Z');
  });

  it('feeds the drift rules: a tool and a KVM added after the learning day are findings; a tool of the first day is present since enrollment', async () => {
    const day0 = foldCycle(undefined, makeSnapshot({ collectedAt: '2026-01-01T12:00:00.000Z' }), [ra('remote-access.running', 'teamviewer')]);
    const later = makeSnapshot({ collectedAt: '2026-01-05T12:00:00.000Z', inputs: { devices: [kvm] } });
    const ctx = makeContext({ baseline: day0, now: new Date(later.collectedAt), findings: [] });
    const fake = { id: 'remote-access.running', title: '', description: '', severity: 'high' as const, weight: 0.6, group: 'remote-access', attack: ['T1219'] as const, falsePositives: [], runs: 'endpoint' as const,
      evaluate: () => [{ confidence: 1, evidence: {}, subject: 'anydesk' }, { confidence: 1, evidence: {}, subject: 'teamviewer' }] };
    const ev = evaluate([fake, ...contextRules], later, ctx);
    expect(ev.findings.filter((f) => f.rule.startsWith('baseline.')).map((f) => `${f.rule} ${f.subject ?? f.evidence.name}`)).toEqual([
      'baseline.new-remote-tool anydesk',
      'baseline.new-remote-tool teamviewer',
      'baseline.new-input-device JetKVM USB Emulation Device',
    ]);
    // The baseline never makes a remote tool normal: teamviewer, there since the first cycle, is named as such.
    const since = ev.findings.find((f) => f.rule === 'baseline.new-remote-tool' && f.subject === 'teamviewer');
    expect(since?.title).toBe('A remote-access tool present since enrollment');
    expect(since?.evidence).toMatchObject({ presentSinceEnrollment: true, firstSeen: '2026-01-01T12:00:00.000Z' });
  });

  it('keeps the start of the current clamshell run for host.clamshell, and drops it when the lid opens', () => {
    const shut = makeSnapshot({
      host: { hostname: 'h', os: { name: 'Ubuntu' }, arch: 'x64', virtualization: { isVirtual: false }, power: { onAc: true }, lid: 'closed' },
      displays: { connectors: [{ name: 'eDP-1', builtin: true, connected: true, enabled: false }, { name: 'HDMI-A-1', builtin: false, connected: true }], adapters: [] },
    });
    const first = foldCycle(undefined, { ...shut, collectedAt: '2026-01-15T10:00:00.000Z' }, []);
    const second = foldCycle(first, { ...shut, collectedAt: '2026-01-15T18:00:00.000Z' }, []);
    expect(second.clamshellSince).toBe('2026-01-15T10:00:00.000Z');
    const open = foldCycle(second, { ...shut, host: { ...shut.host!, lid: 'open' } }, []);
    expect(open.clamshellSince).toBeUndefined();
  });

  it('reads the local hour in the given zone, falling back on an unknown zone name', () => {
    expect(localHour('2026-01-15T15:00:00.000Z', 'Asia/Pyongyang')).toBe(0);
    expect(localHour('2026-01-15T15:00:00.000Z', 'Not/AZone')).toBe(new Date('2026-01-15T15:00:00.000Z').getHours());
  });
});
