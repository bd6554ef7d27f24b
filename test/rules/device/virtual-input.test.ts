import { describe, expect, it } from 'vitest';
import { parseProcInputDevices } from '../../../collectors/inputs/parse-proc-input.js';
import { evaluateSnapshot } from '../../../rules/index.js';
import { inputVirtualDevice, virtualInputCatalog } from '../../../rules/device/virtual-input.js';
import { fixture } from '../../helpers/fake-context.js';
import { emptySnapshot, ruleContext } from '../../helpers/snapshot.js';

/** test/fixtures/linux/proc-bus-input-devices-virtual.txt: RustDesk's and Sunshine's uinput devices beside keyd, input-remapper and a gamepad layer. */
const devices = parseProcInputDevices(fixture('linux', 'proc-bus-input-devices-virtual.txt')).devices;

describe('input.virtual-device', () => {
  it('the recorded /proc/bus/input/devices parses into the devices the rule reads', () => {
    expect(devices.map((d) => [d.name, d.kind, d.vendorId, d.productId])).toEqual([
      ['AT Translated Set 2 keyboard', 'keyboard', '0001', '0001'],
      ['RustDesk UInput Keyboard', 'keyboard', '0000', '0000'],
      ['mouce-library-fake-mouse', 'pointer', '2222', '3333'],
      ['Keyboard passthrough', 'keyboard', 'beef', 'dead'],
      ['keyd virtual keyboard', 'keyboard', '0fac', '0ade'],
      ['input-remapper Logitech USB Receiver forwarded', 'keyboard', '046d', 'c52b'],
      ['Microsoft X-Box 360 pad 0', 'other', '045e', '028e'],
    ]);
  });

  it('fires for RustDesk\'s and Sunshine\'s catalogued devices, one finding per tool, device facts only', () => {
    const matches = inputVirtualDevice.evaluate(emptySnapshot({ inputs: { devices } }), ruleContext());
    expect(matches.map((m) => [m.subject, m.confidence])).toEqual([['rustdesk', 0.85], ['sunshine', 0.8]]);
    expect(matches[0]!.evidence).toEqual({ tool: 'rustdesk', devices: [
      { entry: 'rustdesk-uinput-keyboard', name: 'RustDesk UInput Keyboard', kind: 'keyboard', bus: 'usb', vendorId: '0000', productId: '0000' },
      { entry: 'rustdesk-uinput-mouse', name: 'mouce-library-fake-mouse', kind: 'pointer', bus: 'usb', vendorId: '2222', productId: '3333' },
    ] });
  });

  it('virtual devices of remappers and controller layers score nothing; a catalogued name with other ids does not match', () => {
    const legit = devices.filter((d) => !/RustDesk|mouce|passthrough/.test(d.name));
    const evaluation = evaluateSnapshot(emptySnapshot({ inputs: { devices: legit } }), ruleContext());
    expect(evaluation.findings.filter((f) => f.rule === 'input.virtual-device')).toEqual([]);
    const lookalike = { ...devices[3]!, vendorId: '046d', productId: 'c31c' };
    expect(inputVirtualDevice.evaluate(emptySnapshot({ inputs: { devices: [lookalike] } }), ruleContext())).toEqual([]);
  });

  it('a sanctioned tool (allow.tools) is suppressed, and the rule is scored', () => {
    const evaluation = evaluateSnapshot(emptySnapshot({ inputs: { devices } }), { ...ruleContext(), allowTools: ['sunshine'] });
    const found = evaluation.findings.filter((f) => f.rule === 'input.virtual-device');
    expect(found.map((f) => [f.subject, f.suppressed === true])).toEqual([['rustdesk', false], ['sunshine', true]]);
    expect(evaluation.score).toBeGreaterThan(0);
  });

  it('every catalog entry names its source', () => {
    for (const e of virtualInputCatalog().entries) expect(e.source.length).toBeGreaterThan(20);
  });
});
