import { describe, expect, it } from 'vitest';
import { collect, ioregScsiNubs, ioregUsbDevices, ioregUsbInterfaces, systemProfilerUsb, systemProfilerUsbHost } from '../../../collectors/usb/darwin.js';
import { parseSystemProfilerUsb } from '../../../collectors/usb/parse-system-profiler-usb.js';
import { bcdText } from '../../../collectors/usb/parse-ioreg-usb.js';
import { usbSchema } from '../../../schema/snapshot/usb.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const dev = `ioreg ${ioregUsbDevices.join(' ')}`;
const ifs = `ioreg ${ioregUsbInterfaces.join(' ')}`;
const scsi = `ioreg ${ioregScsiNubs.join(' ')}`;
const sp = `system_profiler ${systemProfilerUsb.join(' ')}`;
const spHost = `system_profiler ${systemProfilerUsbHost.join(' ')}`;

describe('usb darwin source', () => {
  it('reads devices and interfaces from two ioreg forks, joined by locationID, and disk inquiry strings from a third', async () => {
    const ctx = fakeContext({ commands: { [dev]: fixture('darwin', 'ioreg-usb-devices.txt'), [ifs]: fixture('darwin', 'ioreg-usb-interfaces.txt'), [scsi]: fixture('darwin', 'ioreg-scsi-nub.txt') } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(usbSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(3);
    expect(r.data.storage?.map((x) => `${x.vendor} / ${x.model}`)).toEqual(['JetKVM / Virtual Media', 'SanDisk / Cruzer Blade']);
    expect(r.notes).toEqual(['USB storage inquiry strings are not tied to a USB device on macOS (port left out)']);
    const kvm = r.data.devices.find((d) => d.vendorId === '1d6b');
    expect(kvm).toMatchObject({ port: '0x01120000', productId: '0104', manufacturer: 'JetKVM', bcdDevice: '1.00', speedMbps: 480 });
    expect(kvm?.interfaces.map((i) => [i.number, i.class, i.subclass, i.protocol])).toEqual([[0, 3, 1, 1], [1, 3, 0, 2], [2, 8, 6, 80]]);
    const hub = r.data.devices.find((d) => d.port === '0x01100000');
    expect(hub).toMatchObject({ vendorId: '2109', productId: '0812', deviceClass: 9, speedMbps: 5000, serial: '000000000' });
    expect(r.data.devices.find((d) => d.vendorId === '046d')?.interfaces).toHaveLength(2);
  });

  it('keeps devices when the interface query fails, and says interfaces are unknown', async () => {
    const ctx = fakeContext({ commands: { [dev]: fixture('darwin', 'ioreg-usb-devices.txt'), [ifs]: new Error('ioreg: killed') } });
    const r = await collect(ctx);
    expect(r.status === 'ok' && r.data.devices.length).toBe(3);
    expect(r.status === 'ok' && r.notes?.some((n) => n.includes('interfaces unknown'))).toBe(true);
    expect(r.status === 'ok' && r.notes?.some((n) => n.includes('inquiry strings unknown'))).toBe(true);
  });

  it('falls back to system_profiler when ioreg is missing', async () => {
    const ctx = fakeContext({ commands: { [sp]: fixture('darwin', 'system_profiler-SPUSBDataType-json.txt') } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.data.devices.map((d) => `${d.vendorId}:${d.productId}@${d.port}`)).toEqual([
      '2109:2817@0x00100000', '1d6b:0104@0x00120000', '05ac:029c@0x00200000',
    ]);
    expect(r.notes?.some((n) => n.includes('Truncated entry'))).toBe(true);
  });

  it('macOS 26: SPUSBDataType is empty, so the devices are read from SPUSBHostDataType (its own key names)', async () => {
    const ctx = fakeContext({ commands: {
      [sp]: fixture('darwin', 'system_profiler-SPUSBDataType-json--macos26-empty.txt'),
      [spHost]: fixture('darwin', 'system_profiler-SPUSBHostDataType-json.txt'),
    } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(usbSchema.safeParse(r.data).success).toBe(true);
    expect(r.data.devices).toEqual([
      { port: '0x01100000', vendorId: '2109', productId: '2817', manufacturer: 'VIA Labs, Inc.', product: 'USB2.0 Hub', deviceClass: 0, bcdDevice: '90.13', speedMbps: 480, interfaces: [] },
      { port: '0x01120000', vendorId: '1d6b', productId: '0104', manufacturer: 'JetKVM', product: 'JetKVM', deviceClass: 0, bcdDevice: '5.10', speedMbps: 480, interfaces: [] },
      { port: '0x01200000', vendorId: '05ac', productId: '029c', manufacturer: 'Apple Inc.', product: 'Magic Keyboard', serial: 'XXXXXXXXXXXX', deviceClass: 0, bcdDevice: '1.00', speedMbps: 12, interfaces: [] },
      { port: '0x01300000', vendorId: '0bda', productId: '8153', manufacturer: 'Realtek', product: 'USB 10/100/1000 LAN', deviceClass: 0, bcdDevice: '31.00', speedMbps: 5000, interfaces: [] },
    ]);
    expect(r.notes?.[0]).toMatch(/read system_profiler SPUSBHostDataType/);
  });

  it('an empty SPUSBDataType on a Mac without SPUSBHostDataType stays an empty list, with the reason', async () => {
    const r = await collect(fakeContext({ commands: { [sp]: fixture('darwin', 'system_profiler-SPUSBDataType-json--macos26-empty.txt') } }));
    expect(r.status === 'ok' && r.data.devices).toEqual([]);
    expect(r.status === 'ok' && r.notes?.join('\n')).toMatch(/SPUSBHostDataType could not be read/);
  });

  it('real macOS 13 ioreg (Intel laptop): webcam with five interfaces and an Intel Bluetooth controller', async () => {
    const ctx = fakeContext({ commands: {
      [dev]: fixture('darwin', 'ioreg-usb-devices--checkaudio-macos13.txt'),
      [ifs]: fixture('darwin', 'ioreg-usb-interfaces--checkaudio-macos13.txt'),
      [scsi]: '',
    } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(usbSchema.safeParse(r.data).success).toBe(true);
    expect(r.notes).toBeUndefined();
    expect(r.data.devices.map((d) => [d.port, `${d.vendorId}:${d.productId}`, d.product, d.deviceClass, d.speedMbps, d.interfaces.map((i) => i.class)])).toEqual([
      ['0x14200000', '0c45:674c', 'Integrated_Webcam_FHD', 239, 480, [14, 14, 14, 14, 254]],
      ['0x14300000', '8087:0033', 'Bluetooth USB Host Controller', 224, 12, [224, 224]],
    ]);
    expect(r.data.devices[0]).toMatchObject({ serial: 'SN0001', bcdDevice: '24.41' });
  });

  it('is an error with code command-missing when neither tool exists', async () => {
    const r = await collect(fakeContext({}));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });

  it('reports truncated system_profiler JSON as a parse-error', async () => {
    const text = fixture('darwin', 'system_profiler-SPUSBDataType-json.txt').slice(0, 300);
    const r = await collect(fakeContext({ commands: { [sp]: text } }));
    expect(r).toMatchObject({ status: 'error', code: 'parse-error' });
  });
});

describe('parseSystemProfilerUsb', () => {
  it('reads the real cyme capture shape: nested hubs, Apple vendor, serials', () => {
    const { devices } = parseSystemProfilerUsb(fixture('darwin', 'system_profiler-SPUSBDataType-json.txt'));
    expect(devices.find((d) => d.vendorId === '05ac')).toMatchObject({ product: 'Magic Keyboard', serial: 'XXXXXXXXXXXX', speedMbps: 12 });
    expect(devices.find((d) => d.vendorId === '2109')?.manufacturer).toBe('VIA Labs, Inc.');
  });
  it('a document with both types lists each device once; neither type is a clear error', () => {
    const host = JSON.parse(fixture('darwin', 'system_profiler-SPUSBHostDataType-json.txt')) as object;
    const legacy = JSON.parse(fixture('darwin', 'system_profiler-SPUSBDataType-json.txt')) as object;
    const both = parseSystemProfilerUsb(JSON.stringify({ ...legacy, ...host }));
    const ports = both.devices.map((d) => d.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(() => parseSystemProfilerUsb('{"SPAudioDataType":[]}')).toThrow(/neither an SPUSBDataType nor an SPUSBHostDataType/);
  });
  it('bcd text as lsusb prints it', () => {
    expect([bcdText(0x0100), bcdText(0x9b00), bcdText(0x0453)]).toEqual(['1.00', '9b.00', '4.53']);
  });
});
