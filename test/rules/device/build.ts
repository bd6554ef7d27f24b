import type { Snapshot } from '../../../schema/snapshot/index.js';
import type { UsbDevice } from '../../../schema/snapshot/usb.js';
import type { InputDevice } from '../../../schema/snapshot/inputs.js';
import type { Edid } from '../../../schema/snapshot/displays.js';
import { parseEdid } from '../../../collectors/displays/parse-edid.js';
import { parseLsusb } from '../../../collectors/usb/parse-lsusb.js';
import { parseProcInputDevices } from '../../../collectors/inputs/parse-proc-input.js';
import type { Rule, RuleContext } from '../../../rules/types.js';
import { fixture } from '../../helpers/fake-context.js';

/** Snapshot builders for the device rules (own copy: test/helpers/snapshot.ts was not there when these were written). */

export function snapshot(parts: Partial<Snapshot> = {}): Snapshot {
  return {
    schemaVersion: 1, collectedAt: '2026-01-10T12:00:00.000Z', agentVersion: '0.0.0-test', platform: 'linux',
    host: null, processes: null, software: null, network: null, usb: null, inputs: null, displays: null,
    locale: null, sessions: null, activity: null, errors: [], collectors: {},
    ...parts,
  };
}

export function context(extra: Partial<RuleContext> = {}): RuleContext {
  return {
    expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] },
    allowTools: [], latency: { anchors: [] }, now: new Date('2026-01-10T12:00:00.000Z'),
    ...extra,
  };
}

/** Every device of a recorded `lsusb -v` (test/fixtures/linux), through the real parser. */
export function lsusb(name: string): UsbDevice[] {
  const { devices, problems } = parseLsusb(fixture('linux', name));
  if (problems.length > 0) throw new Error(`fixture ${name}: ${problems.join('; ')}`);
  return devices;
}

/** The JetKVM as the laptop it controls sees it (ipkvm-watch capture), re-homed on sysfs port `port`. */
export function jetkvm(port = '1-2'): UsbDevice {
  const [device] = lsusb('lsusb-v-ipkvm-watch-jetkvm.txt');
  if (!device) throw new Error('JetKVM capture has no device');
  return { ...device, port };
}

export function inputsOf(name: string): InputDevice[] {
  return parseProcInputDevices(fixture('linux', name)).devices;
}

interface EdidSample { label: string; hex: string }
const samples = JSON.parse(fixture('linux', 'edid-samples.json')) as EdidSample[];

/** A real EDID from test/fixtures/linux/edid-samples.json, through the real parser. */
export function edid(labelStart: string): Edid {
  const sample = samples.find((s) => s.label.startsWith(labelStart));
  if (!sample) throw new Error(`no EDID sample "${labelStart}"`);
  const result = parseEdid(sample.hex);
  if ('error' in result) throw new Error(result.error);
  return result.edid;
}

export const run = (rule: Rule, s: Snapshot, c: RuleContext = context()) => rule.evaluate(s, c);

export function usbDevice(d: Partial<UsbDevice> & Pick<UsbDevice, 'vendorId' | 'productId'>): UsbDevice {
  return { port: '1-5', deviceClass: 0, interfaces: [], ...d };
}

export const hid = (number: number, subclass: number, protocol: number) => ({ number, class: 3, subclass, protocol });

export function input(d: Partial<InputDevice> & Pick<InputDevice, 'name' | 'kind'>): InputDevice {
  return { absolutePointer: false, bus: 'usb', ...d };
}
