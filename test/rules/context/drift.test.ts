import { describe, expect, it } from 'vitest';
import { baselineNewInputDevice, baselineNewRemoteTool, baselineTimezoneChanged } from '../../../rules/context/drift.js';
import { inputDeviceKey } from '../../../rules/context/input-key.js';
import type { Baseline, Finding } from '../../../rules/types.js';
import { makeContext, makeSnapshot, withLocale } from './make-snapshot.js';

const old: Baseline = { firstSeen: '2025-12-01T00:00:00.000Z', remoteTools: ['teamviewer'], inputDevices: [], timezone: 'America/Chicago' };
const running = (subject: string): Finding => ({ rule: 'remote-access.running', title: 't', severity: 'high', confidence: 1, evidence: {}, subject });
const mouse = { name: 'Logitech USB Receiver', kind: 'pointer' as const, absolutePointer: false, bus: 'usb' as const, vendorId: '046d', productId: 'c52b' };
const kvm = { name: 'Composite KVM Device', kind: 'pointer' as const, absolutePointer: true, bus: 'usb' as const, vendorId: '1d6b', productId: '0104' };

describe('baseline.new-remote-tool', () => {
  it('names a tool the baseline has not seen, by its catalog id', () => {
    const ctx = makeContext({ baseline: old, findings: [running('anydesk'), running('teamviewer'), running('anydesk')] });
    const out = baselineNewRemoteTool.evaluate(makeSnapshot(), ctx);
    expect(out.map((m) => m.subject)).toEqual(['anydesk']);
  });

  it('is quiet for known tools, without a baseline, and during the first (learning) day', () => {
    expect(baselineNewRemoteTool.evaluate(makeSnapshot(), makeContext({ baseline: old, findings: [running('teamviewer')] }))).toEqual([]);
    expect(baselineNewRemoteTool.evaluate(makeSnapshot(), makeContext({ findings: [running('anydesk')] }))).toEqual([]);
    const young = { ...old, firstSeen: '2026-01-15T10:00:00.000Z' };
    expect(baselineNewRemoteTool.evaluate(makeSnapshot(), makeContext({ baseline: young, findings: [running('anydesk')] }))).toEqual([]);
  });

  it('keeps firing for 7 days after a tool joined the baseline, then stops', () => {
    const b = { ...old, remoteTools: ['teamviewer', 'anydesk'], since: { 'tool:anydesk': '2026-01-12T00:00:00.000Z' } };
    const f = [running('anydesk')];
    expect(baselineNewRemoteTool.evaluate(makeSnapshot(), makeContext({ baseline: b, findings: f }))[0]?.evidence.firstSeen).toBe('2026-01-12T00:00:00.000Z');
    const later = makeContext({ baseline: b, findings: f, now: new Date('2026-01-25T00:00:00.000Z') });
    expect(baselineNewRemoteTool.evaluate(makeSnapshot(), later)).toEqual([]);
  });
});

describe('baseline.new-input-device', () => {
  it('fires for a new USB absolute pointer more strongly than for a new mouse', () => {
    const s = makeSnapshot({ inputs: { devices: [mouse, kvm] } });
    const out = baselineNewInputDevice.evaluate(s, makeContext({ baseline: old }));
    expect(out.map((m) => m.evidence.name)).toEqual(['Logitech USB Receiver', 'Composite KVM Device']);
    expect(out[1]!.confidence).toBeGreaterThan(out[0]!.confidence);
  });

  it('is quiet for known devices and internal (i2c/ps2) ones', () => {
    const internal = { ...mouse, name: 'SYNA Touchpad', kind: 'touchpad' as const, bus: 'i2c' as const };
    const s = makeSnapshot({ inputs: { devices: [mouse, internal] } });
    expect(baselineNewInputDevice.evaluate(s, makeContext({ baseline: { ...old, inputDevices: [inputDeviceKey(mouse)] } }))).toEqual([]);
  });
});

describe('baseline.timezone-changed', () => {
  it('fires when the zone differs from the baseline, more confidently outside the region', () => {
    const s = withLocale({ timezone: 'Asia/Pyongyang' });
    const plain = baselineTimezoneChanged.evaluate(s, makeContext({ baseline: old }));
    expect(plain[0]?.evidence).toEqual({ from: 'America/Chicago', to: 'Asia/Pyongyang' });
    const region = baselineTimezoneChanged.evaluate(s, makeContext({ baseline: old, expected: { timezones: ['America/*'], locales: [], keyboardLayouts: [], countries: [] } }));
    expect(region[0]!.confidence).toBeGreaterThan(plain[0]!.confidence);
  });

  it('keeps firing within 7 days of a change recorded in the baseline, quiet otherwise', () => {
    const changed = { ...old, timezone: 'Asia/Pyongyang', previousTimezone: 'America/Chicago', timezoneChangedAt: '2026-01-14T00:00:00.000Z' };
    expect(baselineTimezoneChanged.evaluate(withLocale({ timezone: 'Asia/Pyongyang' }), makeContext({ baseline: changed }))).toHaveLength(1);
    expect(baselineTimezoneChanged.evaluate(withLocale({ timezone: 'America/Chicago' }), makeContext({ baseline: old }))).toEqual([]);
    const stale = makeContext({ baseline: changed, now: new Date('2026-02-01T00:00:00.000Z') });
    expect(baselineTimezoneChanged.evaluate(withLocale({ timezone: 'Asia/Pyongyang' }), stale)).toEqual([]);
  });
});

describe('drift through the engine', () => {
  it('sees the findings of the rules listed before it, and allow.tools suppresses it by subject', async () => {
    const { evaluate } = await import('../../../rules/engine.js');
    const { defineRule } = await import('../../../rules/types.js');
    const fakeRunning = defineRule({
      id: 'remote-access.running', title: 'running', description: '', severity: 'high', weight: 0.6, group: 'remote-access',
      attack: ['T1219'], falsePositives: [], evaluate: () => [{ confidence: 1, evidence: {}, subject: 'anydesk' }, { confidence: 1, evidence: {}, subject: 'rustdesk' }],
    });
    const ev = evaluate([fakeRunning, baselineNewRemoteTool], makeSnapshot(), makeContext({ baseline: old, allowTools: ['rustdesk'] }));
    const drift = ev.findings.filter((f) => f.rule === 'baseline.new-remote-tool');
    expect(drift.map((f) => [f.subject, f.suppressed ?? false])).toEqual([['anydesk', false], ['rustdesk', true]]);
  });
});
