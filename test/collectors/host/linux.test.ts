import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../../collectors/context.js';
import { collect } from '../../../collectors/host/linux.js';
import { hostSchema } from '../../../schema/snapshot/host.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const D = '/sys/class/dmi/id';
const P = '/sys/class/power_supply';

describe('host (Linux) over a fake laptop', () => {
  it('assembles os, SMBIOS, power and lid; drops a placeholder serial with a note', async () => {
    const r = await collect(fakeContext({
      files: {
        '/etc/os-release': fixture('linux', 'os-release-debian12.txt'),
        '/proc/sys/kernel/osrelease': '6.1.0-18-amd64\n',
        '/etc/machine-id': '3d1219c7c4c5404aaa1f6d2a48adfda4\n',
        [`${D}/sys_vendor`]: 'LENOVO\n', [`${D}/product_name`]: '21CB0087US\n',
        [`${D}/product_serial`]: 'To be filled by O.E.M.\n', [`${D}/chassis_type`]: '10\n',
        '/proc/uptime': '3600.50 100.00\n',
        [`${P}/AC/type`]: 'Mains\n', [`${P}/AC/online`]: '1\n',
        [`${P}/BAT0/type`]: 'Battery\n', [`${P}/BAT0/capacity`]: '64\n', [`${P}/BAT0/status`]: 'Charging\n',
        '/proc/acpi/button/lid/LID0/state': 'state:      closed\n',
      },
      dirs: { [P]: ['AC', 'BAT0'], '/proc/acpi/button/lid': ['LID0'] },
    }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(hostSchema.safeParse(r.data).success).toBe(true);
    expect(r.data).toMatchObject({
      os: { name: 'Debian GNU/Linux', version: '12', id: 'debian' }, kernel: '6.1.0-18-amd64',
      machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4', vendor: 'LENOVO', model: '21CB0087US', chassis: 'laptop',
      virtualization: { isVirtual: false }, uptimeSeconds: 3600.5, power: { onAc: true, batteryPercent: 64 }, lid: 'closed',
    });
    expect(r.data.serial).toBeUndefined();
    expect(r.notes?.join(' ')).toContain('"To be filled by O.E.M." is a firmware placeholder');
  });

  it('a VM by SMBIOS gets chassis vm; nothing readable still gives an ok result with notes', async () => {
    const vm = await collect(fakeContext({ files: { [`${D}/sys_vendor`]: 'QEMU', [`${D}/product_name`]: 'Standard PC (i440FX + PIIX, 1996)' } }));
    expect(vm).toMatchObject({ status: 'ok', data: { chassis: 'vm', virtualization: { isVirtual: true, vendor: 'QEMU', evidence: 'dmi sys_vendor="QEMU"' }, power: { onAc: null }, lid: null } });
    const bare = await collect(fakeContext({}));
    expect(bare).toMatchObject({ status: 'ok', data: { os: { name: 'Linux' } } });
    if (bare.status === 'ok') expect(bare.notes?.join(' ')).toMatch(/os-release.*dmi/s);
  });
});

describe.runIf(process.platform === 'linux')('host on this machine', () => {
  // Reads this machine's real /proc and /sys: only a Linux machine has them (the fake-machine tests run everywhere).
  it.skipIf(process.platform !== 'linux')('reads the real files without forking', async () => {
    const stats = { forks: 0 };
    const r = await collect(createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false }, stats }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(hostSchema.safeParse(r.data).success).toBe(true);
    expect(r.data.kernel).toMatch(/^\d+\.\d+/);
    expect(r.data.uptimeSeconds).toBeGreaterThan(0);
    expect(stats.forks).toBe(0);
  });
});
