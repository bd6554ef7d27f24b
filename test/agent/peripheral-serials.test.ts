import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPeripheralSerials, hashSnapshotPlaces } from '../../agent/identity.js';
import { edidSerialInput, usbSerialInput } from '../../rules/fleet/index.js';
import { emptySnapshot } from '../helpers/snapshot.js';

const fleetKey = Buffer.alloc(32, 7).toString('base64url');
const hmac = (v: string) => createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(v).digest('hex');
const hid = [{ number: 0, class: 3, subclass: 1, protocol: 1 }];

describe('peripheral serials leave the laptop as keyed hashes', () => {
  const snapshot = emptySnapshot({
    usb: {
      devices: [
        { port: '1-1', vendorId: '046d', productId: 'c31c', serial: 'ABC123XYZ', deviceClass: 0, interfaces: hid },
        { port: '1-2', vendorId: '1d6b', productId: '0104', serial: 'CAFEBABE', deviceClass: 0, interfaces: hid },
        { port: '1-3', vendorId: '0bda', productId: '8153', serial: '000000000000', deviceClass: 0, interfaces: [] },
        { port: '1-4', vendorId: '8087', productId: '0026', deviceClass: 224, interfaces: [] },
      ],
    },
    displays: {
      connectors: [
        { name: 'HDMI-A-1', builtin: false, connected: true, edid: { manufacturerId: 'DEL', productCode: 0x4123, serialText: 'CN0F4K7Q7444', serialNumber: 809652556, hex: '00ffffffffffff00' } },
        { name: 'DP-1', builtin: false, connected: true, edid: { manufacturerId: 'GSM', productCode: 0x5b09, serialNumber: 201326 } },
        { name: 'DP-2', builtin: false, connected: true, edid: { manufacturerId: 'LNX', productCode: 0, serialText: 'CAFEBABE', hex: '00' } },
        { name: 'eDP-1', builtin: true, connected: true, edid: { manufacturerId: 'BOE', productCode: 0x0a81 } },
      ],
      adapters: [],
    },
  });

  it('a unit serial becomes an HMAC of model and serial; generic and catalogued serials stay in clear', () => {
    const out = hashSnapshotPlaces(snapshot, fleetKey);
    expect(out.usb!.devices.map((d) => d.serial)).toEqual([hmac(usbSerialInput('046d', 'c31c', 'ABC123XYZ')), 'CAFEBABE', '000000000000', undefined]);
    const [dell, lg, kvm, panel] = out.displays!.connectors;
    expect(dell!.edid).toEqual({ manufacturerId: 'DEL', productCode: 0x4123, serialText: hmac(edidSerialInput('DEL', 0x4123, 'CN0F4K7Q7444')) });
    expect(lg!.edid).toEqual({ manufacturerId: 'GSM', productCode: 0x5b09, serialText: hmac(edidSerialInput('GSM', 0x5b09, 201326)) });
    expect(kvm!.edid).toEqual(snapshot.displays!.connectors[2]!.edid);
    expect(panel!.edid).toEqual(snapshot.displays!.connectors[3]!.edid);
    const text = JSON.stringify(out);
    for (const clear of ['ABC123XYZ', 'CN0F4K7Q7444', '809652556', '201326', '00ffffffffffff00']) expect(text).not.toContain(clear);
  });

  it('the snapshot itself is not changed, and one without serials is returned as is', () => {
    const before = JSON.stringify(snapshot);
    hashPeripheralSerials(snapshot, fleetKey);
    expect(JSON.stringify(snapshot)).toBe(before);
    const bare = emptySnapshot();
    expect(hashPeripheralSerials(bare, fleetKey)).toBe(bare);
  });
});
