import { describe, expect, it } from 'vitest';
import { parseLsusb } from '../../../collectors/usb/parse-lsusb.js';
import { usbDeviceSchema } from '../../../schema/snapshot/usb.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseLsusb on real captures', () => {
  it('reads the JetKVM composite gadget as the laptop it controls sees it', () => {
    const { devices, problems } = parseLsusb(fixture('linux', 'lsusb-v-ipkvm-watch-jetkvm.txt'));
    expect(problems).toEqual([]);
    expect(devices).toEqual([
      {
        port: '007:003', vendorId: '1d6b', productId: '0104', deviceClass: 0,
        manufacturer: 'JetKVM', product: 'USB Emulation Device', bcdDevice: '1.00',
        interfaces: [
          { number: 0, class: 3, subclass: 1, protocol: 1 },
          { number: 1, class: 3, subclass: 0, protocol: 2 },
          { number: 2, class: 3, subclass: 1, protocol: 2 },
          { number: 3, class: 8, subclass: 6, protocol: 80 },
        ],
      },
    ]);
    // iSerial has an index but no text: no serial rather than an empty string.
    expect(devices[0]!.serial).toBeUndefined();
  });

  it('reads the negotiated speed that newer usbutils print', () => {
    const { devices } = parseLsusb(fixture('linux', 'lsusb-v-ipkvm-watch-jetkvm-v1.txt'));
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ port: '003:005', vendorId: '1d6b', productId: '0104', speedMbps: 480 });
    expect(devices[0]!.interfaces.map((i) => i.class)).toEqual([3, 3, 3, 8]);
  });

  it('reads every device of a VMware VM, alternate settings counted once', () => {
    const { devices, problems } = parseLsusb(fixture('linux', 'lsusb-v-jc-centos77.txt'));
    expect(problems).toEqual([]);
    expect(devices.map((d) => `${d.port} ${d.vendorId}:${d.productId}`)).toEqual([
      '001:001 1d6b:0002', '002:004 0e0f:0008', '002:003 0e0f:0002', '002:002 0e0f:0003', '002:001 1d6b:0001',
    ]);
    const bt = devices.find((d) => d.productId === '0008')!;
    expect(bt).toMatchObject({ manufacturer: 'VMware', product: 'Virtual Bluetooth Adapter', serial: '000650268328', deviceClass: 224 });
    expect(bt.interfaces).toEqual([
      { number: 0, class: 224, subclass: 1, protocol: 1 },
      { number: 1, class: 224, subclass: 1, protocol: 1 },
    ]);
    const rootHub = devices[0]!;
    expect(rootHub.deviceClass).toBe(9);
    expect(rootHub.interfaces).toEqual([{ number: 0, class: 9, subclass: 0, protocol: 0 }]);
  });

  it('reads the 160 KB Framework laptop capture: hubs, webcams, a two-configuration audio device', () => {
    const { devices, problems } = parseLsusb(fixture('linux', 'lsusb-v-jc-framework-laptop.txt'));
    expect(problems).toEqual([]);
    expect(devices).toHaveLength(14);
    for (const d of devices) expect(usbDeviceSchema.safeParse(d).success).toBe(true);
    const keyboard = devices.find((d) => d.vendorId === '04d9' && d.productId === '4545')!;
    expect(keyboard).toMatchObject({ port: '003:010', product: 'USB Keyboard', bcdDevice: '1.05', deviceClass: 0 });
    expect(keyboard.manufacturer).toBeUndefined();
    expect(keyboard.interfaces.map((i) => [i.class, i.subclass, i.protocol])).toEqual([[3, 1, 1], [3, 1, 2]]);
    const rootHub = devices.find((d) => d.port === '004:001')!;
    expect(rootHub).toMatchObject({ manufacturer: 'Linux 5.19.17-2-MANJARO xhci-hcd', serial: '0000:00:14.0', bcdDevice: '5.19' });
    // Audient EVO4 has two configurations; only the first one's interfaces 0-3 are kept, once each.
    const evo4 = devices.find((d) => d.vendorId === '2708')!;
    expect(evo4.interfaces.map((i) => i.number)).toEqual([0, 1, 2, 3]);
    // The webcam's video-streaming interface has eight alternate settings.
    const camera = devices.find((d) => d.vendorId === '0bda')!;
    expect(camera.interfaces.map((i) => [i.number, i.class, i.subclass])).toEqual([[0, 14, 1], [1, 14, 2]]);
  });
});

describe('parseLsusb on odd input', () => {
  it('counts a device whose descriptor could not be read instead of inventing one', () => {
    const text = [
      'Bus 001 Device 004: ID 046d:c077 Logitech, Inc. M105 Optical Mouse',
      "Couldn't open device, some information will be missing",
      'Bus 001 Device 005: ID 1d6b:0104 Linux Foundation Multifunction Composite Gadget',
      'Device Descriptor:',
      '  bDeviceClass            0 ',
      '  idVendor           0x1d6b Linux Foundation',
      '  idProduct          0x0104 Multifunction Composite Gadget',
      '  iManufacturer           1 PiKVM',
      '  iProduct                2 Composite KVM Device',
      '  iSerial                 3 CAFEBAB1',
      '  Configuration Descriptor:',
      '    Interface Descriptor:',
      '      bInterfaceNumber        0',
      '      bInterfaceClass         3 Human Interface Device',
      '      bInterfaceSubClass      1 Boot Interface Subclass',
      '      bInterfaceProtocol      1 Keyboard',
      '    Interface Descriptor:',
      '      bInterfaceNumber        1',
      '      bInterfaceClass         3 Human Interface Device',
      // truncated here, mid-interface
    ].join('\n');
    const { devices, problems } = parseLsusb(text);
    expect(problems).toEqual(['lsusb 001:004 skipped: no device descriptor (bDeviceClass) in the output']);
    expect(devices).toEqual([
      {
        port: '001:005', vendorId: '1d6b', productId: '0104', deviceClass: 0,
        manufacturer: 'PiKVM', product: 'Composite KVM Device', serial: 'CAFEBAB1',
        interfaces: [{ number: 0, class: 3, subclass: 1, protocol: 1 }],
      },
    ]);
  });

  it('returns nothing, without throwing, for empty or unrelated text', () => {
    expect(parseLsusb('')).toEqual({ devices: [], problems: [] });
    expect(parseLsusb('lsusb: command not found\n\0\xff garbage')).toEqual({ devices: [], problems: [] });
  });
});
