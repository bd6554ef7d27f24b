import { describe, expect, it } from 'vitest';
import { ipkvmUsb } from '../../../rules/device/ipkvm-usb.js';
import { hid, input, jetkvm, lsusb, run, snapshot, usbDevice } from './build.js';

describe('ipkvm.usb', () => {
  it('matches the JetKVM of the ipkvm-watch capture by its maker string (both captures)', () => {
    for (const name of ['lsusb-v-ipkvm-watch-jetkvm.txt', 'lsusb-v-ipkvm-watch-jetkvm-v1.txt']) {
      const [m, ...rest] = run(ipkvmUsb, snapshot({ usb: { devices: lsusb(name) } }));
      expect(rest).toEqual([]);
      expect(m?.subject).toBe('jetkvm');
      expect(m?.confidence).toBeGreaterThanOrEqual(0.9);
      expect(m?.severity).toBeUndefined(); // the rule's own: critical
      expect(m?.evidence).toMatchObject({ vendorId: '1d6b', productId: '0104', manufacturer: 'JetKVM', product: 'USB Emulation Device', matched: { manufacturer: 'JetKVM' } });
    }
  });

  it('names PiKVM, NanoKVM, TinyPilot and GL.iNet Comet by their default descriptors', () => {
    const devices = [
      usbDevice({ port: '1-1', vendorId: '1d6b', productId: '0104', manufacturer: 'PiKVM', product: 'PiKVM Composite Device', serial: 'CAFEBABE' }),
      usbDevice({ port: '1-2', vendorId: '3346', productId: '1009', manufacturer: 'sipeed', product: 'NanoKVM', serial: '0123456789ABCDEF' }),
      usbDevice({ port: '1-3', vendorId: '1d6b', productId: '0104', manufacturer: 'tinypilot', product: 'Multifunction USB Device', serial: '6b65796d696d6570690' }),
      usbDevice({ port: '1-4', vendorId: '1d6b', productId: '0104', manufacturer: 'GLKVM', product: 'Composite KVM Device', serial: 'CAFEBABE' }),
    ];
    const subjects = run(ipkvmUsb, snapshot({ usb: { devices } })).map((m) => [m.subject, m.evidence.port]);
    expect(subjects).toEqual([['pikvm', '1-1'], ['nanokvm', '1-2'], ['tinypilot', '1-3'], ['glinet-comet', '1-4']]);
  });

  it('finds a maker keyword inside a changed product string', () => {
    const d = usbDevice({ vendorId: '1d6b', productId: '0104', manufacturer: 'Acme', product: 'PiKVM v4 plus HID' });
    const [m] = run(ipkvmUsb, snapshot({ usb: { devices: [d] } }));
    expect(m?.subject).toBe('pikvm');
    expect(m?.evidence.matched).toEqual({ product: 'PiKVM v4 plus HID', keyword: 'pikvm' });
  });

  it('reports a bare 1d6b:0104 gadget as strong but not certain', () => {
    const d = usbDevice({ vendorId: '1d6b', productId: '0104', manufacturer: 'Linux 6.1 with dwc2', product: 'Gadget' });
    const [m] = run(ipkvmUsb, snapshot({ usb: { devices: [d] } }));
    expect(m?.subject).toBe('linux-usb-gadget');
    expect(m?.confidence).toBe(0.6);
    expect(m?.severity).toBe('high');
  });

  it('does not match the real Framework laptop (HDMI card 32ac:0002, keyboard, G502, webcam, AX210)', () => {
    const devices = lsusb('lsusb-v-jc-framework-laptop.txt');
    expect(devices.some((d) => d.vendorId === '32ac' && d.productId === '0002')).toBe(true);
    expect(run(ipkvmUsb, snapshot({ usb: { devices } }))).toEqual([]);
  });

  it('does not match a Logitech receiver, an Android phone or a DisplayLink dock', () => {
    const devices = [
      usbDevice({ port: '1-1', vendorId: '046d', productId: 'c52b', manufacturer: 'Logitech', product: 'USB Receiver', interfaces: [hid(0, 1, 1), hid(1, 1, 2), hid(2, 0, 0)] }),
      usbDevice({ port: '1-2', vendorId: '18d1', productId: '4ee3', manufacturer: 'Google', product: 'Pixel 6', interfaces: [{ number: 0, class: 0xe0, subclass: 1, protocol: 3, driver: 'rndis_host' }, { number: 1, class: 0x0a, subclass: 0, protocol: 0 }] }),
      usbDevice({ port: '1-3', vendorId: '17e9', productId: '6006', manufacturer: 'DisplayLink', product: 'Dell Universal Dock D6000', interfaces: [{ number: 0, class: 0xff, subclass: 0, protocol: 0 }] }),
    ];
    expect(run(ipkvmUsb, snapshot({ usb: { devices } }))).toEqual([]);
  });

  it('does not match a JetKVM spoofed as a Logitech receiver (that is hid-shape\'s job)', () => {
    const spoofed = { ...jetkvm(), vendorId: '046d', productId: 'c52b', manufacturer: 'Logitech (x64)', product: 'Logitech USB Input Device' };
    expect(run(ipkvmUsb, snapshot({ usb: { devices: [spoofed] } }))).toEqual([]);
  });

  it('falls back to input device names when the USB inventory is missing', () => {
    const inputs = [
      input({ name: 'PiKVM Composite Device', kind: 'keyboard', vendorId: '1d6b', productId: '0104', usbPort: '1-2' }),
      input({ name: 'PiKVM Composite Device Mouse', kind: 'pointer', absolutePointer: true, vendorId: '1d6b', productId: '0104', usbPort: '1-2' }),
    ];
    const matches = run(ipkvmUsb, snapshot({ usb: null, inputs: { devices: inputs } }));
    expect(matches).toHaveLength(1);
    expect(matches[0]?.subject).toBe('pikvm');
    expect(matches[0]?.evidence).toMatchObject({ inputName: 'PiKVM Composite Device', port: '1-2' });
  });
});

describe('ipkvm.usb: a CH9329 USB-KVM', () => {
  it('matches the chip\'s factory id weaker alone, and scores it together with the keyboard + absolute pointer shape', async () => {
    const { hid, input, run, snapshot, usbDevice } = await import('./build.js');
    const { ipkvmUsb: rule } = await import('../../../rules/device/ipkvm-usb.js');
    const chip = usbDevice({ port: '3-2', vendorId: '1a86', productId: 'e129', interfaces: [hid(0, 1, 1), hid(1, 0, 0)] });
    const bare = { ...chip, interfaces: [] };
    const [alone] = run(rule, snapshot({ usb: { devices: [bare] }, inputs: null }));
    expect(alone).toMatchObject({ subject: 'ch9329', confidence: 0.8, severity: 'high' });
    expect(alone?.evidence.corroboration).toBeUndefined();
    const inputs = [
      input({ name: 'USB Composite Device Keyboard', kind: 'keyboard', vendorId: '1a86', productId: 'e129', usbPort: '3-2' }),
      input({ name: 'USB Composite Device Mouse', kind: 'pointer', absolutePointer: true, vendorId: '1a86', productId: 'e129', usbPort: '3-2' }),
    ];
    const [both] = run(rule, snapshot({ usb: { devices: [chip] }, inputs: { devices: inputs } }));
    expect(both).toMatchObject({ subject: 'ch9329', confidence: 0.9 });
    expect(both?.severity).toBeUndefined(); // the rule's own: critical
    expect(both?.evidence.corroboration).toBe('keyboard + absolute pointer on the same USB device');
  });
});
