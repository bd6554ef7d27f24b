import { describe, expect, it } from 'vitest';
import { ipkvmHidShape } from '../../../rules/device/ipkvm-hid-shape.js';
import { ipkvmUsb } from '../../../rules/device/ipkvm-usb.js';
import { hid, input, inputsOf, jetkvm, lsusb, run, snapshot, usbDevice } from './build.js';

/** The JetKVM of the capture after its owner applied the UI's "Logitech USB Input Device" preset. */
const renamedJetkvm = () => ({
  ...jetkvm('1-3.1'), vendorId: '046d', productId: 'c31c', manufacturer: 'Logitech', product: 'USB Keyboard', serial: 'A1B2C3',
});

describe('ipkvm.hid-shape', () => {
  it('catches a KVM whose strings and ids were changed: keyboard + absolute pointer + mass storage on one device', () => {
    const s = snapshot({ usb: { devices: [renamedJetkvm()] }, inputs: { devices: inputsOf('proc-bus-input-devices-kvm-renamed.txt') } });
    expect(run(ipkvmUsb, s)).toEqual([]);
    const [m, ...rest] = run(ipkvmHidShape, s);
    expect(rest).toEqual([]);
    expect(m?.confidence).toBe(0.85);
    expect(m?.severity).toBeUndefined(); // the rule's own: high
    expect(m?.evidence).toMatchObject({
      port: '1-3.1', vendorId: '046d', productId: 'c31c', keyboard: 'Logitech USB Keyboard', absolutePointer: 'Logitech USB Keyboard', massStorage: true,
    });
    expect(m?.evidence.interfaces).toEqual(['if0 03/01/01', 'if1 03/00/02', 'if2 03/01/02', 'if3 08/06/50']);
  });

  it('reports keyboard + absolute pointer without storage or network weaker', () => {
    const s = snapshot({ usb: null, inputs: { devices: inputsOf('proc-bus-input-devices-pikvm.txt') } });
    const [m, ...rest] = run(ipkvmHidShape, s);
    expect(rest).toEqual([]);
    expect(m?.severity).toBe('medium');
    expect(m?.confidence).toBe(0.5);
    expect(m?.evidence).toMatchObject({ port: '1-2', massStorage: false });
  });

  it('counts a network function like storage', () => {
    const kvm = usbDevice({ port: '1-2', vendorId: '1d6b', productId: '0104', interfaces: [hid(0, 1, 1), hid(1, 0, 2), { number: 2, class: 0xe0, subclass: 1, protocol: 3 }, { number: 3, class: 0x0a, subclass: 0, protocol: 0 }] });
    const s = snapshot({ usb: { devices: [kvm] }, inputs: { devices: inputsOf('proc-bus-input-devices-pikvm.txt') } });
    const [m] = run(ipkvmHidShape, s);
    expect(m?.confidence).toBe(0.85);
    expect(m?.evidence.network).toEqual(['RNDIS']);
  });

  it('works from USB interfaces alone when input kinds are unknown', () => {
    const [m, ...rest] = run(ipkvmHidShape, snapshot({ usb: { devices: [renamedJetkvm()] }, inputs: null }));
    expect(rest).toEqual([]);
    expect(m?.confidence).toBe(0.6);
    expect(m?.evidence.basis).toMatch(/interfaces only/);
  });

  it('never fires on a Wacom tablet or a touchscreen monitor, even with keys and absolute mouse emulation', () => {
    const wacomPen = inputsOf('proc-bus-input-devices-peripherals.txt');
    const wacomPad = input({ name: 'Wacom Intuos S Pad', kind: 'keyboard', vendorId: '056a', productId: '0374', usbPort: '1-6' });
    const touchMonitor = [
      input({ name: 'eGalax Inc. USB TouchController', kind: 'touchscreen', absolutePointer: true, vendorId: '0eef', productId: 'c000', usbPort: '1-7' }),
      input({ name: 'eGalax Inc. USB TouchController Mouse', kind: 'pointer', absolutePointer: true, vendorId: '0eef', productId: 'c000', usbPort: '1-7' }),
      input({ name: 'eGalax Inc. USB TouchController Keyboard', kind: 'keyboard', vendorId: '0eef', productId: 'c000', usbPort: '1-7' }),
    ];
    const devices = [
      usbDevice({ port: '1-6', vendorId: '056a', productId: '0374', manufacturer: 'Wacom Co.,Ltd.', product: 'Intuos S', interfaces: [hid(0, 0, 0), hid(1, 0, 0)] }),
      usbDevice({ port: '1-7', vendorId: '0eef', productId: 'c000', manufacturer: 'eGalax Inc.', product: 'USB TouchController', interfaces: [hid(0, 1, 1), hid(1, 0, 0), { number: 2, class: 8, subclass: 6, protocol: 0x50 }] }),
    ];
    const s = snapshot({ usb: { devices }, inputs: { devices: [...wacomPen, wacomPad, ...touchMonitor] } });
    expect(run(ipkvmHidShape, s)).toEqual([]);
  });

  it('skips a pen tablet with a driver disk when input kinds are unknown', () => {
    const huion = usbDevice({ vendorId: '256c', productId: '006d', manufacturer: 'HUION', product: 'Huion Tablet', interfaces: [hid(0, 0, 0), hid(1, 1, 1), { number: 2, class: 8, subclass: 6, protocol: 0x50 }] });
    expect(run(ipkvmHidShape, snapshot({ usb: { devices: [huion] } }))).toEqual([]);
  });

  it('does not fire on a Logitech receiver (keyboard + relative mouse on one dongle, 046d:c52b)', () => {
    const receiver = usbDevice({ port: '1-4', vendorId: '046d', productId: 'c52b', manufacturer: 'Logitech', product: 'USB Receiver', interfaces: [hid(0, 1, 1), hid(1, 1, 2), hid(2, 0, 0)] });
    const inputs = [
      input({ name: 'Logitech USB Receiver', kind: 'keyboard', vendorId: '046d', productId: 'c52b', usbPort: '1-4' }),
      input({ name: 'Logitech USB Receiver Mouse', kind: 'pointer', vendorId: '046d', productId: 'c52b', usbPort: '1-4' }),
    ];
    expect(run(ipkvmHidShape, snapshot({ usb: { devices: [receiver] }, inputs: { devices: inputs } }))).toEqual([]);
    expect(run(ipkvmHidShape, snapshot({ usb: { devices: [receiver] }, inputs: null }))).toEqual([]);
  });

  it('does not fire on the real Framework laptop (keyboard with a mouse interface, G502, HDMI card)', () => {
    expect(run(ipkvmHidShape, snapshot({ usb: { devices: lsusb('lsusb-v-jc-framework-laptop.txt') } }))).toEqual([]);
  });
});
