import { describe, expect, it } from 'vitest';
import { classifyInterface, parseUevent, usbDeviceDir, type SysfsInterface } from '../../../collectors/network/classify-interface.js';

const base = (over: Partial<SysfsInterface> & { name: string }): SysfsInterface => ({ wireless: false, tun: false, bridge: false, ...over });
const pci = '/sys/devices/pci0000:00/0000:00:1f.6/net';
const virt = '/sys/devices/virtual/net';

describe('classifyInterface', () => {
  it.each([
    [base({ name: 'lo', type: 772, devicePath: `${virt}/lo` }), 'loopback'],
    [base({ name: 'wlp2s0', type: 1, devtype: 'wlan', wireless: true, devicePath: `${pci}/wlp2s0`, driver: 'iwlwifi' }), 'wifi'],
    [base({ name: 'wlx00c0ca', type: 1, wireless: true, devicePath: '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/net/wlx00c0ca' }), 'wifi'],
    [base({ name: 'enp0s31f6', type: 1, devicePath: `${pci}/enp0s31f6`, driver: 'e1000e' }), 'ethernet'],
    [base({ name: 'usb0', type: 1, devicePath: '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/net/usb0', driver: 'rndis_host', usb: { vendorId: '1d6b', productId: '0104' } }), 'usb-net'],
    [base({ name: 'enx001122', type: 1, devicePath: '/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/net/enx001122', driver: 'r8152' }), 'usb-net'],
    [base({ name: 'wwan0', type: 1, devtype: 'wwan', devicePath: '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.4/net/wwan0', driver: 'qmi_wwan' }), 'cellular'],
    [base({ name: 'tun0', type: 65534, tun: true, devicePath: `${virt}/tun0` }), 'tunnel'],
    [base({ name: 'wg0', type: 65534, devtype: 'wireguard', devicePath: `${virt}/wg0` }), 'tunnel'],
    [base({ name: 'tailscale0', type: 65534, tun: true, devicePath: `${virt}/tailscale0` }), 'tunnel'],
    [base({ name: 'astrill0', devicePath: `${virt}/astrill0` }), 'tunnel'],
    [base({ name: 'ztabcdef12', type: 1, tun: true, devicePath: `${virt}/ztabcdef12` }), 'tunnel'],
    [base({ name: 'ppp0', type: 512, devicePath: `${virt}/ppp0` }), 'tunnel'],
    [base({ name: 'gre1', type: 778, devicePath: `${virt}/gre1` }), 'tunnel'],
    [base({ name: 'br0', type: 1, devtype: 'bridge', bridge: true, devicePath: `${virt}/br0` }), 'bridge'],
    [base({ name: 'docker0', type: 1, devtype: 'bridge', bridge: true, devicePath: `${virt}/docker0` }), 'virtual'],
    [base({ name: 'virbr0', type: 1, devtype: 'bridge', bridge: true, devicePath: `${virt}/virbr0` }), 'virtual'],
    [base({ name: 'veth1a2b3c', type: 1, devicePath: `${virt}/veth1a2b3c` }), 'virtual'],
    [base({ name: 'ifb0', type: 1, devicePath: `${virt}/ifb0` }), 'virtual'],
    [base({ name: 'can0', type: 280, devicePath: '/sys/devices/platform/can0/net/can0' }), 'other'],
  ] as const)('%o → %s', (facts, kind) => {
    expect(classifyInterface(facts)).toBe(kind);
  });
});

describe('sysfs helpers', () => {
  it('parseUevent reads KEY=value lines', () => {
    expect(parseUevent('DEVTYPE=wlan\nINTERFACE=wlp2s0\nIFINDEX=3\n')).toEqual({ DEVTYPE: 'wlan', INTERFACE: 'wlp2s0', IFINDEX: '3' });
  });

  it('usbDeviceDir finds the USB device above the interface, through hubs', () => {
    expect(usbDeviceDir('/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.4/1-2.4:1.0/net/usb0')).toBe(
      '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2.4',
    );
    expect(usbDeviceDir('/sys/devices/pci0000:00/0000:00:1f.6/net/eth0')).toBeUndefined();
  });
});
