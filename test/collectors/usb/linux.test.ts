import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/usb/linux.js';
import { usbSchema } from '../../../schema/snapshot/usb.js';
import { fakeContext, type FakeOs } from '../../helpers/fake-context.js';
import { unixTool } from '../../../collectors/programs.js';

const root = '/sys/bus/usb/devices';

/** A sysfs tree built after the facts of the JetKVM capture (1d6b:0104, keyboard + 2 mice + storage) behind a root hub. */
function jetkvmTree(): Required<Pick<FakeOs, 'files' | 'dirs' | 'links'>> {
  const files: Record<string, string> = {};
  const links: Record<string, string> = {};
  const dev = (port: string, attrs: Record<string, string>) => {
    for (const [k, v] of Object.entries(attrs)) files[`${root}/${port}/${k}`] = `${v}\n`;
  };
  const iface = (name: string, n: string, cls: string, sub: string, proto: string, driver?: string) => {
    dev(name, { bInterfaceNumber: n, bInterfaceClass: cls, bInterfaceSubClass: sub, bInterfaceProtocol: proto });
    if (driver) links[`${root}/${name}/driver`] = `../../../../../../bus/usb/drivers/${driver}`;
  };
  dev('usb1', {
    idVendor: '1d6b', idProduct: '0002', manufacturer: 'Linux 6.8.0-45-generic xhci-hcd', product: 'xHCI Host Controller',
    serial: '0000:00:14.0', bDeviceClass: '09', bcdDevice: '0608', speed: '480',
  });
  iface('1-0:1.0', '00', '09', '00', '00', 'hub');
  dev('1-2', {
    idVendor: '1d6b', idProduct: '0104', manufacturer: 'JetKVM', product: 'USB Emulation Device',
    bDeviceClass: '00', bcdDevice: '0100', speed: '480',
  });
  iface('1-2:1.0', '00', '03', '01', '01', 'usbhid');
  iface('1-2:1.1', '01', '03', '00', '02', 'usbhid');
  iface('1-2:1.2', '02', '03', '01', '02', 'usbhid');
  iface('1-2:1.3', '03', '08', '06', '50', 'usb-storage');
  return {
    files,
    links,
    dirs: { [root]: ['1-0:1.0', '1-2', '1-2:1.0', '1-2:1.1', '1-2:1.2', '1-2:1.3', 'usb1'] },
  };
}

describe('usb on Linux (sysfs)', () => {
  it('reads devices and their interfaces with drivers, forking nothing', async () => {
    const ctx = fakeContext(jetkvmTree());
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.notes).toBeUndefined();
    expect(usbSchema.parse(result.data)).toEqual(result.data);
    expect(result.data.devices.map((d) => d.port)).toEqual(['1-2', 'usb1']);
    expect(result.data.devices[0]).toEqual({
      port: '1-2', vendorId: '1d6b', productId: '0104', deviceClass: 0, manufacturer: 'JetKVM',
      product: 'USB Emulation Device', bcdDevice: '1.00', speedMbps: 480,
      interfaces: [
        { number: 0, class: 3, subclass: 1, protocol: 1, driver: 'usbhid' },
        { number: 1, class: 3, subclass: 0, protocol: 2, driver: 'usbhid' },
        { number: 2, class: 3, subclass: 1, protocol: 2, driver: 'usbhid' },
        { number: 3, class: 8, subclass: 6, protocol: 0x50, driver: 'usb-storage' },
      ],
    });
    // The root hub's interface is named "1-0:1.0" in sysfs: it belongs to "usb1".
    expect(result.data.devices[1]).toMatchObject({
      port: 'usb1', deviceClass: 9, bcdDevice: '6.08', serial: '0000:00:14.0',
      interfaces: [{ number: 0, class: 9, subclass: 0, protocol: 0, driver: 'hub' }],
    });
  });

  it('skips a device with a truncated or garbage id and says so, keeping the others', async () => {
    const tree = jetkvmTree();
    tree.files[`${root}/1-2/idVendor`] = '1d6\n';
    tree.files[`${root}/usb1/bDeviceClass`] = '\u00ff\u0000zz';
    tree.dirs[root]!.push('1-3');
    tree.files[`${root}/1-3/idVendor`] = '046d\n';
    tree.files[`${root}/1-3/idProduct`] = '0xC077\n';
    tree.files[`${root}/1-3/bDeviceClass`] = '00\n';
    tree.files[`${root}/1-3/speed`] = 'fast\n';
    const result = await collect(fakeContext(tree));
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.data.devices).toEqual([{ port: '1-3', vendorId: '046d', productId: 'c077', deviceClass: 0, interfaces: [] }]);
    expect(result.notes).toEqual([
      'usb 1-2 skipped: unreadable idVendor="1d6\\n"',
      'usb usb1 skipped: unreadable bDeviceClass="ÿ\\u0000zz"',
    ]);
  });

  it('says there is no USB bus when neither sysfs nor usbfs has one (no fork)', async () => {
    const ctx = fakeContext({});
    const result = await collect(ctx);
    expect(result).toEqual({ status: 'ok', data: { devices: [], storage: [] }, notes: ['no USB bus: /sys/bus/usb/devices is absent'] });
    expect(ctx.execCalls).toEqual([]);
  });

  it('falls back to one lsusb -v when sysfs is absent but usbfs nodes exist', async () => {
    const lsusb = [
      'Bus 001 Device 002: ID 1d6b:0104 Linux Foundation Multifunction Composite Gadget',
      'Device Descriptor:',
      '  bDeviceClass            0 ',
      '  iManufacturer           1 TinyPilot',
    ].join('\n');
    const ctx = fakeContext({ dirs: { '/dev/bus/usb': ['001'] }, commands: { 'lsusb -v': lsusb } });
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([[unixTool('lsusb'), '-v']]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.data.devices).toEqual([
      { port: '001:002', vendorId: '1d6b', productId: '0104', deviceClass: 0, manufacturer: 'TinyPilot', interfaces: [] },
    ]);
  });

  it('drops an interface with an empty class file and names it', async () => {
    const tree = jetkvmTree();
    tree.files[`${root}/1-2:1.1/bInterfaceClass`] = '';
    const result = await collect(fakeContext(tree));
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.data.devices[0]!.interfaces.map((i) => i.number)).toEqual([0, 2, 3]);
    expect(result.notes).toEqual(['usb interface 1-2:1.1 skipped: unreadable class or number']);
  });

  it('reports a missing lsusb as an error, not as "no devices"', async () => {
    const result = await collect(fakeContext({ dirs: { '/dev/bus/usb': ['001'] } }));
    expect(result).toMatchObject({ status: 'error', code: 'command-missing' });
  });

  it('reports an unreadable sysfs folder as an error', async () => {
    const ctx = fakeContext({});
    ctx.readDir = async () => { throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }); };
    expect(await collect(ctx)).toMatchObject({ status: 'error', code: 'permission-denied' });
  });
});
