import { describe, expect, it } from 'vitest';
import type { NetInterface } from '../../../schema/snapshot/network.js';
import type { Snapshot } from '../../../schema/snapshot/index.js';
import { ipkvmUsbNetwork } from '../../../rules/device/ipkvm-usb-network.js';
import { networkFunction } from '../../../rules/device/usb-facts.js';
import { hid, lsusb, run, snapshot, usbDevice } from './build.js';

const rndis = [{ number: 2, class: 0xe0, subclass: 1, protocol: 3, driver: 'rndis_host' }, { number: 3, class: 0x0a, subclass: 0, protocol: 0 }];
const network = (interfaces: NetInterface[]): Snapshot['network'] => ({
  connections: [], interfaces, probes: [], identity: { gateway: null, neighbors: [], wifi: null, dnsServers: [] },
});

describe('ipkvm.usb-network', () => {
  it('matches RNDIS on a Linux gadget (PiKVM with its ethernet function) and links the laptop interface', () => {
    const pikvm = usbDevice({ port: '1-2', vendorId: '1d6b', productId: '0104', manufacturer: 'PiKVM', interfaces: [hid(0, 1, 1), hid(1, 0, 2), ...rndis] });
    const iface: NetInterface = { name: 'usb0', kind: 'usb-net', up: true, addresses: [], mac: '02:11:22:33:44:55', driver: 'rndis_host', usb: { vendorId: '1d6b', productId: '0104' } };
    const [m, ...rest] = run(ipkvmUsbNetwork, snapshot({ usb: { devices: [pikvm] }, network: network([iface]) }));
    expect(rest).toEqual([]);
    expect(m?.confidence).toBe(0.8);
    expect(m?.evidence).toMatchObject({ port: '1-2', vendorId: '1d6b', network: ['RNDIS'], interface: 'usb0', mac: '02:11:22:33:44:55' });
  });

  it('a driver named after an Object.prototype member is no network function', () => {
    for (const driver of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(networkFunction({ number: 1, class: 3, subclass: 0, protocol: 0, driver })).toBeNull();
    const d = usbDevice({ vendorId: '046d', productId: 'c31c', interfaces: [hid(0, 1, 1), { number: 1, class: 3, subclass: 0, protocol: 0, driver: 'constructor' }] });
    expect(run(ipkvmUsbNetwork, snapshot({ usb: { devices: [d] } }))).toEqual([]);
  });

  it('matches a composite device with a keyboard and CDC-NCM even with other ids', () => {
    const d = usbDevice({ vendorId: '046d', productId: 'c31c', interfaces: [hid(0, 1, 1), { number: 1, class: 2, subclass: 0x0d, protocol: 0 }, { number: 2, class: 0x0a, subclass: 0, protocol: 1 }] });
    const [m] = run(ipkvmUsbNetwork, snapshot({ usb: { devices: [d] } }));
    expect(m?.confidence).toBe(0.75);
    expect(m?.evidence.network).toEqual(['CDC-NCM']);
  });

  it('matches the NanoKVM host-side MAC prefix 48:da:35:6d on the laptop interface', () => {
    const iface: NetInterface = { name: 'usb0', kind: 'usb-net', up: true, addresses: [], mac: '48:DA:35:6D:12:34', driver: 'cdc_ncm' };
    const [m] = run(ipkvmUsbNetwork, snapshot({ usb: { devices: [] }, network: network([iface]) }));
    expect(m?.subject).toBe('nanokvm');
    expect(m?.evidence).toMatchObject({ interface: 'usb0', prefix: '48:da:35:6d' });
  });

  it('does not match an Android phone tethering over USB (18d1 RNDIS, no keyboard), nor a Samsung or iPhone', () => {
    const devices = [
      usbDevice({ port: '1-1', vendorId: '18d1', productId: '4ee3', manufacturer: 'Google', product: 'Pixel 6', interfaces: rndis }),
      usbDevice({ port: '1-2', vendorId: '04e8', productId: '6863', manufacturer: 'SAMSUNG', product: 'SAMSUNG_Android', interfaces: rndis }),
      usbDevice({ port: '1-3', vendorId: '05ac', productId: '12a8', manufacturer: 'Apple Inc.', product: 'iPhone', interfaces: [{ number: 0, class: 0xff, subclass: 0xfd, protocol: 1, driver: 'ipheth' }] }),
    ];
    const iface: NetInterface = { name: 'usb0', kind: 'usb-net', up: true, addresses: [], mac: 'aa:bb:cc:00:11:22', driver: 'rndis_host', usb: { vendorId: '18d1', productId: '4ee3' } };
    expect(run(ipkvmUsbNetwork, snapshot({ usb: { devices }, network: network([iface]) }))).toEqual([]);
  });

  it('does not take Bluetooth (0xe0/1/1) or CDC-ACM serial for a network function; the Framework laptop stays clean', () => {
    expect(networkFunction({ number: 0, class: 0xe0, subclass: 1, protocol: 1 })).toBeNull();
    expect(networkFunction({ number: 0, class: 2, subclass: 2, protocol: 1 })).toBeNull();
    expect(run(ipkvmUsbNetwork, snapshot({ usb: { devices: lsusb('lsusb-v-jc-framework-laptop.txt') } }))).toEqual([]);
  });
});
