import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../rules/engine.js';
import { deviceRules } from '../../../rules/device/index.js';
import { context, inputsOf, jetkvm, lsusb, snapshot } from './build.js';

describe('device rules through the engine', () => {
  it('declare the contracted ids with metadata', () => {
    expect(deviceRules.map((r) => r.id)).toEqual([
      'ipkvm.usb', 'ipkvm.hid-shape', 'ipkvm.virtual-media', 'ipkvm.edid', 'ipkvm.usb-network', 'ipkvm.lan-neighbor',
      'jiggler.hardware', 'display.virtual-adapter', 'host.clamshell', 'host.virtual-machine', 'input.virtual-device',
    ]);
    for (const r of deviceRules) {
      expect(r.weight).toBeGreaterThan(0);
      expect(r.falsePositives.length).toBeGreaterThan(0);
      expect(r.attack.length).toBeGreaterThan(0);
    }
  });

  it('score a JetKVM by name critical on its own', () => {
    const e = evaluate(deviceRules, snapshot({ usb: { devices: [jetkvm()] } }), context());
    expect(e.findings.map((f) => f.rule)).toEqual(['ipkvm.usb', 'ipkvm.hid-shape']);
    expect(e.level).toBe('critical');
  });

  it('suppress a sanctioned KVM by its catalog id', () => {
    const e = evaluate(deviceRules, snapshot({ usb: { devices: [jetkvm()] } }), context({ allowTools: ['jetkvm'] }));
    expect(e.findings.find((f) => f.rule === 'ipkvm.usb')?.suppressed).toBe(true);
  });

  it('leave the real Framework laptop and ordinary peripherals at zero', () => {
    const s = snapshot({ usb: { devices: lsusb('lsusb-v-jc-framework-laptop.txt') }, inputs: { devices: inputsOf('proc-bus-input-devices-peripherals.txt') } });
    const e = evaluate(deviceRules, s, context());
    expect(e.findings).toEqual([]);
    expect(e.score).toBe(0);
  });
});
