import { describe, expect, it } from 'vitest';
import { ipkvmHidShape } from '../../../rules/device/ipkvm-hid-shape.js';
import { ipkvmUsb } from '../../../rules/device/ipkvm-usb.js';
import { ipkvmVirtualMedia } from '../../../rules/device/ipkvm-virtual-media.js';
import { inquiryKey } from '../../../rules/device/match-inquiry.js';
import { deviceCatalogs } from '../../../rules/device/catalogs.js';
import { hid, jetkvm, run, snapshot, usbDevice } from './build.js';

/** The JetKVM capture with its USB ids and strings cloned from a Logitech keyboard: only the virtual media still says JetKVM. */
const spoofed = () => ({ ...jetkvm('1-3.1'), vendorId: '046d', productId: 'c31c', manufacturer: 'Logitech', product: 'USB Keyboard', serial: 'A1B2C3' });
const jetkvmDisk = { vendor: 'JetKVM', model: 'Virtual Media', revision: '0.01', port: '1-3.1', source: '/sys/block/sdb/device' };

describe('ipkvm.virtual-media', () => {
  it('catches a KVM with spoofed USB ids by its disk inquiry strings, and combines them with the HID shape', () => {
    const s = snapshot({ usb: { devices: [spoofed()], storage: [jetkvmDisk] }, inputs: null });
    expect(run(ipkvmUsb, s)).toEqual([]);
    const [m, ...rest] = run(ipkvmVirtualMedia, s);
    expect(rest).toEqual([]);
    expect(m?.subject).toBe('jetkvm');
    // 1 - (1 - 0.95) * (1 - 0.85), capped at 0.97
    expect(m?.confidence).toBe(0.97);
    expect(m?.evidence).toMatchObject({
      vendor: 'JetKVM', model: 'Virtual Media', catalog: 'jetkvm-msd', kvm: 'jetkvm',
      corroboration: 'boot keyboard + non-boot HID on the same USB device', usb: { port: '1-3.1', vendorId: '046d' },
    });
    expect(run(ipkvmHidShape, s)).toHaveLength(1); // the shape is its own, second finding
  });

  it('matches a Windows USBSTOR id (underscores for spaces, upper case) and a disk with no known USB device', () => {
    const s = snapshot({ usb: { devices: [], storage: [{ vendor: 'GLINET', model: 'FLASH DRIVE', revision: '1.00', source: 'USBSTOR\\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\\CAFEBABE&0' }] } });
    const [m] = run(ipkvmVirtualMedia, s);
    expect(m).toMatchObject({ subject: 'glinet-comet', confidence: 0.95 });
    expect(m?.evidence.corroboration).toBeUndefined();
  });

  it('reports a weak, generic model ("Flash Drive") as high, not critical, unless the KVM shape is on the same device', () => {
    const stick = usbDevice({ port: '1-4', vendorId: '090c', productId: '1000', interfaces: [{ number: 0, class: 8, subclass: 6, protocol: 0x50 }] });
    const alone = run(ipkvmVirtualMedia, snapshot({ usb: { devices: [stick], storage: [{ vendor: 'Samsung', model: 'Flash Drive', port: '1-4', source: '/sys/block/sdc/device' }] } }));
    expect(alone).toHaveLength(1);
    expect(alone[0]).toMatchObject({ confidence: 0.35, severity: 'high', subject: 'pikvm' });
    const kvm = usbDevice({ port: '1-5', vendorId: '046d', productId: 'c31c', interfaces: [hid(0, 1, 1), hid(1, 0, 2), { number: 2, class: 8, subclass: 6, protocol: 0x50 }] });
    const [withShape] = run(ipkvmVirtualMedia, snapshot({ usb: { devices: [kvm], storage: [{ vendor: 'Logitech', model: 'Flash Drive', port: '1-5', source: '/sys/block/sdd/device' }] } }));
    expect(withShape?.confidence).toBe(0.9);
    expect(withShape?.severity).toBeUndefined();
  });

  it('stays quiet on ordinary USB disks and without a storage list', () => {
    const disks = [
      { vendor: 'SanDisk', model: 'Cruzer Blade', source: '/sys/block/sdb/device' },
      { vendor: 'Generic', model: 'USB Flash Drive', source: '/sys/block/sdc/device' },
      { vendor: 'Kingston', model: 'DataTraveler 3.0', source: '/sys/block/sdd/device' },
    ];
    expect(run(ipkvmVirtualMedia, snapshot({ usb: { devices: [], storage: disks } }))).toEqual([]);
    expect(run(ipkvmVirtualMedia, snapshot({ usb: { devices: [] } }))).toEqual([]);
    expect(run(ipkvmVirtualMedia, snapshot({ usb: null }))).toEqual([]);
  });

  it('every catalog entry names an ipkvm.json entry, and its patterns fit the inquiry field widths', () => {
    const { ipkvm, virtualMedia } = deviceCatalogs();
    const ids = new Set(ipkvm.entries.map((e) => e.id));
    for (const e of virtualMedia.entries) expect(ids.has(e.kvm), e.id).toBe(true);
    expect(inquiryKey(' JetKVM  ')).toBe('jetkvm');
    expect(inquiryKey('FLASH_DRIVE')).toBe('flash drive');
  });
});
