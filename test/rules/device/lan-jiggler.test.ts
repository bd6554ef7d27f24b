import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../schema/snapshot/index.js';
import { ipkvmLanNeighbor } from '../../../rules/device/ipkvm-lan-neighbor.js';
import { jigglerHardware } from '../../../rules/device/jiggler-hardware.js';
import { input, lsusb, run, snapshot, usbDevice } from './build.js';

const neighbours = (...n: { ip: string; mac: string }[]): Snapshot['network'] => ({
  connections: [], interfaces: [], probes: [],
  identity: { gateway: { ip: '192.168.1.1', mac: '10:7b:44:00:00:01' }, neighbors: n.map((x) => ({ ...x, interface: 'wlan0' })), wifi: null, dnsServers: [] },
});

describe('ipkvm.lan-neighbor', () => {
  it('matches a JetKVM prefix, also in the short form macOS arp prints', () => {
    const s = snapshot({ network: neighbours({ ip: '192.168.1.40', mac: '30:52:53:0a:0b:0c' }, { ip: '192.168.1.41', mac: '30:52:53:1:2:3' }) });
    const matches = run(ipkvmLanNeighbor, s);
    expect(matches.map((m) => [m.subject, m.evidence.ip, m.evidence.prefix])).toEqual([
      ['jetkvm', '192.168.1.40', '30:52:53'], ['jetkvm', '192.168.1.41', '30:52:53'],
    ]);
    expect(matches[0]?.confidence).toBe(0.85);
  });

  it('matches TinyPilot\'s 28-bit block only on its first nibble', () => {
    const s = snapshot({ network: neighbours({ ip: '10.0.0.5', mac: '04-C9-8B-1A-00-01' }, { ip: '10.0.0.6', mac: '04:c9:8b:2a:00:01' }) });
    expect(run(ipkvmLanNeighbor, s).map((m) => m.evidence.ip)).toEqual(['10.0.0.5']);
  });

  it('counts a Raspberry Pi only weakly', () => {
    const [m] = run(ipkvmLanNeighbor, snapshot({ network: neighbours({ ip: '10.0.0.7', mac: 'dc:a6:32:01:02:03' }) }));
    expect(m?.severity).toBe('low');
    expect(m?.confidence).toBeLessThan(0.2);
  });

  it('ignores ordinary and incomplete neighbours', () => {
    const s = snapshot({ network: neighbours({ ip: '10.0.0.8', mac: '3c:22:fb:11:22:33' }, { ip: '10.0.0.9', mac: '00:00:00:00:00:00' }, { ip: '10.0.0.10', mac: '(incomplete)' }) });
    expect(run(ipkvmLanNeighbor, s)).toEqual([]);
    expect(run(ipkvmLanNeighbor, snapshot())).toEqual([]);
  });
});

describe('jiggler.hardware', () => {
  it('matches a store-bought jiggler id, weakly', () => {
    const d = usbDevice({ vendorId: '1ea7', productId: '0064', product: '2.4G Mouse' });
    const [m] = run(jigglerHardware, snapshot({ usb: { devices: [d] } }));
    expect(m?.subject).toBe('store-bought-jiggler');
    expect(m?.confidence).toBeLessThanOrEqual(0.3);
    expect(m?.evidence).toMatchObject({ vendorId: '1ea7', productId: '0064', product: '2.4G Mouse' });
  });

  it('matches the Digispark default strings stronger than its bare shared id', () => {
    const named = usbDevice({ port: '1-1', vendorId: '16c0', productId: '27da', manufacturer: 'digistump.com', product: 'DigiKey' });
    const bare = usbDevice({ port: '1-2', vendorId: '16c0', productId: '27da' });
    const [a, b] = run(jigglerHardware, snapshot({ usb: { devices: [named, bare] } }));
    expect(a!.confidence).toBeGreaterThan(b!.confidence);
  });

  it('matches a device that calls itself a jiggler, also from input names when USB is unknown', () => {
    const [m] = run(jigglerHardware, snapshot({ usb: null, inputs: { devices: [input({ name: 'Mouse Jiggler MJ-3', kind: 'pointer', vendorId: '1234', productId: '5678' })] } }));
    expect(m?.subject).toBe('named-jiggler');
    expect(m?.evidence.matched).toMatchObject({ keyword: 'jiggler' });
  });

  it('does not match the real Framework laptop\'s G502 mouse and keyboard', () => {
    expect(run(jigglerHardware, snapshot({ usb: { devices: lsusb('lsusb-v-jc-framework-laptop.txt') } }))).toEqual([]);
  });
});
