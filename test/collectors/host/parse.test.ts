import { describe, expect, it } from 'vitest';
import { chassisOf, realSerial, virtualizationOf } from '../../../collectors/host/parse-dmi.js';
import { parseOsRelease } from '../../../collectors/host/parse-os-release.js';
import { parseLidState, parseUptime, powerOf } from '../../../collectors/host/parse-power.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseOsRelease', () => {
  it('reads the recorded Debian 12 file', () => {
    const kv = parseOsRelease(fixture('linux', 'os-release-debian12.txt'));
    expect([kv.get('NAME'), kv.get('VERSION_ID'), kv.get('ID'), kv.get('PRETTY_NAME')]).toEqual(['Debian GNU/Linux', '12', 'debian', 'Debian GNU/Linux 12 (bookworm)']);
  });
  it('handles single quotes, escapes, comments and junk', () => {
    const kv = parseOsRelease("# c\nNAME='Fedora Linux'\nX=\"a \\\"b\\\"\"\nnot a line\nID=fedora\n");
    expect([kv.get('NAME'), kv.get('X'), kv.get('ID'), kv.size]).toEqual(['Fedora Linux', 'a "b"', 'fedora', 3]);
  });
});

describe('virtualizationOf (SMBIOS values as the hypervisors publish them)', () => {
  it.each([
    [{ sys_vendor: 'VMware, Inc.', product_name: 'VMware Virtual Platform' }, 'VMware', 'sys_vendor'],
    [{ sys_vendor: 'innotek GmbH', product_name: 'VirtualBox' }, 'VirtualBox', 'product_name'],
    [{ sys_vendor: 'QEMU', product_name: 'Standard PC (Q35 + ICH9, 2009)' }, 'QEMU', 'sys_vendor'],
    [{ sys_vendor: 'Red Hat', product_name: 'KVM' }, 'KVM', 'product_name'],
    [{ sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine' }, 'Hyper-V', 'product_name'],
    [{ sys_vendor: 'Xen', product_name: 'HVM domU' }, 'Xen', 'sys_vendor'],
    [{ sys_vendor: 'Amazon EC2', product_name: 't3.micro' }, 'Amazon EC2', 'sys_vendor'],
    [{ sys_vendor: 'Google', product_name: 'Google Compute Engine' }, 'Google Compute Engine', 'product_name'],
    [{ sys_vendor: 'Parallels Software International Inc.', product_name: 'Parallels Virtual Platform' }, 'Parallels', 'sys_vendor'],
    [{ sys_vendor: 'Bochs', product_name: 'Bochs' }, 'Bochs', 'sys_vendor'],
  ])('%o → %s', (dmi, vendor, field) => {
    const v = virtualizationOf(dmi);
    expect(v).toMatchObject({ isVirtual: true, vendor });
    expect(v.evidence).toContain(`dmi ${field}=`);
  });

  it('a Surface or ThinkPad running Hyper-V/VBS is not a VM; nor is EC2 bare metal', () => {
    expect(virtualizationOf({ sys_vendor: 'Microsoft Corporation', product_name: 'Surface Laptop 5' })).toEqual({ isVirtual: false });
    expect(virtualizationOf({ sys_vendor: 'LENOVO', product_name: '21CB0087US', bios_vendor: 'LENOVO' })).toEqual({ isVirtual: false });
    expect(virtualizationOf({ sys_vendor: 'Amazon EC2', product_name: 'm5.metal' })).toEqual({ isVirtual: false });
    expect(virtualizationOf({})).toEqual({ isVirtual: false });
  });
});

describe('chassis and serial', () => {
  it('maps SMBIOS chassis types', () => {
    expect([8, 9, 10, 14, 31, 32].map((n) => chassisOf(String(n)))).toEqual(Array(6).fill('laptop'));
    expect([chassisOf('3'), chassisOf('17'), chassisOf('1'), chassisOf(undefined), chassisOf('x')]).toEqual(['desktop', 'server', 'other', undefined, undefined]);
  });
  it('drops placeholder serials', () => {
    for (const s of ['To be filled by O.E.M.', 'Default string', '0123456789', 'System Serial Number', '   ', '0000000']) {
      expect(realSerial(s)).toBeUndefined();
    }
    expect(realSerial('PF3ABCDE')).toBe('PF3ABCDE');
  });
});

describe('power, lid, uptime', () => {
  it('Mains online decides onAc; battery percent kept', () => {
    expect(powerOf([{ name: 'AC', type: 'Mains', online: '0' }, { name: 'BAT0', type: 'Battery', capacity: '87', status: 'Discharging' }])).toEqual({ onAc: false, batteryPercent: 87 });
    expect(powerOf([{ name: 'ADP1', type: 'Mains', online: '1' }])).toEqual({ onAc: true });
  });
  it('no supplies → null; a battery alone tells by its status', () => {
    expect(powerOf([])).toEqual({ onAc: null });
    expect(powerOf([{ name: 'BAT1', type: 'Battery', status: 'Full', capacity: '100' }])).toEqual({ onAc: true, batteryPercent: 100 });
    expect(powerOf([{ name: 'hid-mouse-battery', type: 'Battery', capacity: 'x' }])).toEqual({ onAc: null });
  });
  it('reads the ACPI lid state and /proc/uptime', () => {
    expect(parseLidState('state:      open\n')).toBe('open');
    expect(parseLidState('state:      closed\n')).toBe('closed');
    expect(parseLidState('garbage')).toBeUndefined();
    expect(parseUptime('698.84 1227.31\n')).toBe(698.84);
    expect(parseUptime('')).toBeUndefined();
  });
});
