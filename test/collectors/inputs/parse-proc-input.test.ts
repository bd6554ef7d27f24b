import { describe, expect, it } from 'vitest';
import { parseProcInputDevices, usbPortFromSysfs } from '../../../collectors/inputs/parse-proc-input.js';
import { inputDeviceSchema } from '../../../schema/snapshot/inputs.js';
import { fixture } from '../../helpers/fake-context.js';

const parse = (name: string) => parseProcInputDevices(fixture('linux', name));
const summary = (name: string) =>
  parse(name).devices.map((d) => [d.name, d.kind, d.absolutePointer, d.bus, d.usbPort ?? null]);

describe('parseProcInputDevices (hand-written fixtures in the kernel format)', () => {
  it('tells a laptop keyboard and touchpad from its lid switch, power button and video bus', () => {
    expect(summary('proc-bus-input-devices-laptop.txt')).toEqual([
      ['Lid Switch', 'other', false, 'other', null],
      ['Power Button', 'other', false, 'other', null],
      ['AT Translated Set 2 keyboard', 'keyboard', false, 'ps2', null],
      ['SynPS/2 Synaptics TouchPad', 'touchpad', false, 'ps2', null],
      // Has a `kbd` handler but no letter keys and no LEDs: not a keyboard.
      ['Video Bus', 'other', false, 'other', null],
    ]);
    expect(parse('proc-bus-input-devices-laptop.txt').problems).toEqual([]);
  });

  it('sees a PiKVM as a keyboard and an absolute pointer on the same USB port', () => {
    const { devices, problems } = parse('proc-bus-input-devices-pikvm.txt');
    expect(problems).toEqual([]);
    for (const d of devices) expect(inputDeviceSchema.safeParse(d).success).toBe(true);
    expect(devices.slice(1)).toEqual([
      {
        name: 'PiKVM Composite Device', kind: 'keyboard', absolutePointer: false, bus: 'usb',
        vendorId: '1d6b', productId: '0104', usbPort: '1-2', handlers: ['sysrq', 'kbd', 'leds', 'event17'],
      },
      {
        name: 'PiKVM Composite Device', kind: 'pointer', absolutePointer: true, bus: 'usb',
        vendorId: '1d6b', productId: '0104', usbPort: '1-2', handlers: ['mouse2', 'event18'],
      },
    ]);
  });

  it('keeps the KVM shape when its names are changed, behind a hub', () => {
    expect(summary('proc-bus-input-devices-kvm-renamed.txt')).toEqual([
      ['Logitech USB Keyboard', 'keyboard', false, 'usb', '1-3.1'],
      ['Logitech USB Keyboard', 'pointer', true, 'usb', '1-3.1'],
    ]);
  });

  it('classifies a relative mouse, a pen tablet, a touchscreen and a Bluetooth mouse', () => {
    expect(summary('proc-bus-input-devices-peripherals.txt')).toEqual([
      ['Logitech USB Optical Mouse', 'pointer', false, 'usb', '1-4.2'],
      ['Wacom Intuos S Pen', 'tablet', true, 'usb', '1-6'],
      ['ELAN2514:00 04F3:2A1C', 'touchscreen', true, 'i2c', null],
      // Its sysfs path runs through the USB Bluetooth dongle; the dongle is not this mouse's USB device.
      ['MX Master 3 Mouse', 'pointer', false, 'bluetooth', null],
    ]);
  });

  it('reads 32-bit kernels, whose bitmaps come in 32-bit words', () => {
    const text = [
      'I: Bus=0003 Vendor=1d6b Product=0104 Version=0100',
      'N: Name="JetKVM USB Emulation Device"',
      'S: Sysfs=/devices/platform/soc/3f980000.usb/usb1/1-1/1-1.3/1-1.3:1.1/0003:1D6B:0104.0002/input/input1',
      'H: Handlers=mouse0 event1 ',
      'B: EV=1f',
      // BTN_LEFT (0x110) is bit 16 of the ninth 32-bit word.
      'B: KEY=1f0000 0 0 0 0 0 0 0 0',
      'B: ABS=3',
    ].join('\n');
    expect(parseProcInputDevices(text, { bitsPerLong: 32 }).devices[0]).toMatchObject({ kind: 'pointer', absolutePointer: true, usbPort: '1-1.3' });
    // Read as 64-bit words the same text puts the buttons elsewhere: the word size matters.
    expect(parseProcInputDevices(text, { bitsPerLong: 64 }).devices[0]).toMatchObject({ kind: 'other' });
  });
});

describe('parseProcInputDevices on odd input', () => {
  it('counts blocks without ids or name, and garbage bitmaps, instead of dropping them silently', () => {
    const text = [
      'N: Name="half a block"', '',
      'I: Bus=0003 Vendor=046d Product=c077 Version=0111', 'H: Handlers=mouse0', '',
      'I: Bus=0003 Vendor=046d Product=c077 Version=0111', 'N: Name="Bad bits"', 'B: EV=zz', '',
      'I: Bus=0003 Vendor=046d Product=c0', // truncated mid-line
    ].join('\n');
    const { devices, problems } = parseProcInputDevices(text);
    expect(devices).toEqual([]);
    expect(problems).toEqual([
      'input block skipped: no I: Bus= line ("Name=\\"half a block\\"")',
      'input block skipped: no N: Name= ("Bus=0003 Vendor=046d Product=c077 Version=0111")',
      'input "Bad bits" skipped: malformed bitmap',
      'input block skipped: no I: Bus= line ("Bus=0003 Vendor=046d Product=c0")',
    ]);
  });

  it('keeps non-ASCII names and unknown buses', () => {
    const text = 'I: Bus=0019 Vendor=0000 Product=0000 Version=0000\nN: Name="Clavier numérique ⌨"\nB: EV=0\n';
    expect(parseProcInputDevices(text).devices).toEqual([
      { name: 'Clavier numérique ⌨', kind: 'other', absolutePointer: false, bus: 'other', vendorId: '0000', productId: '0000', handlers: [] },
    ]);
  });

  it('derives the USB port from sysfs paths', () => {
    expect(usbPortFromSysfs('/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:1D6B:0104.0001/input/input5')).toBe('1-2');
    expect(usbPortFromSysfs('/devices/pci0000:00/0000:00:14.0/usb3/3-1/3-1.4/3-1.4.2/3-1.4.2:1.2/0003:1D6B:0104.0003/input/input9')).toBe('3-1.4.2');
    expect(usbPortFromSysfs('/devices/platform/i8042/serio0/input/input3')).toBeUndefined();
  });
});
