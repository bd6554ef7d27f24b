import { describe, expect, it } from 'vitest';
import { collect as collectActivity, ioregHidSystem } from '../../../collectors/activity/darwin.js';
import { activitySchema } from '../../../schema/snapshot/activity.js';
import { collect, ioregClamshell, ioregPlatform, pmsetBatt, systemVersionPlist } from '../../../collectors/host/darwin.js';
import { parsePmsetBatt } from '../../../collectors/host/parse-darwin-host.js';
import { hostSchema } from '../../../schema/snapshot/host.js';
import { fakeContext, fixture, type FakeOs } from '../../helpers/fake-context.js';

const cmd = (file: string, args: readonly string[]) => `${file} ${args.join(' ')}`;
function mac(over: Partial<Record<'platform' | 'clam' | 'batt', string | Error>> = {}): FakeOs {
  return {
    files: { [systemVersionPlist]: fixture('darwin', 'SystemVersion.plist') },
    commands: {
      [cmd('ioreg', ioregPlatform)]: over.platform ?? fixture('darwin', 'ioreg-platform.txt'),
      [cmd('ioreg', ioregClamshell)]: over.clam ?? fixture('darwin', 'ioreg-clamshell.txt'),
      [cmd('pmset', pmsetBatt)]: over.batt ?? fixture('darwin', 'pmset-g-batt.txt'),
    },
  };
}

describe('host darwin source', () => {
  it('a MacBook on battery, lid open: serial, UUID, model, OS version; three forks', async () => {
    const ctx = fakeContext(mac());
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(hostSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(3);
    expect(r.data).toMatchObject({
      os: { name: 'macOS', version: '15.1', id: 'macos' }, serial: 'XXXXXXXXXX', machineId: '00000000-0000-4000-8000-000000000000',
      vendor: 'Apple Inc.', model: 'MacBookPro18,3', chassis: 'laptop', virtualization: { isVirtual: false },
      power: { onAc: false, batteryPercent: 85 }, lid: 'open',
    });
  });

  it('real macOS 13 IOPlatformExpertDevice and IOPMrootDomain (an OpenCore Mac, serial and UUIDs masked)', async () => {
    const r = await collect(fakeContext(mac({
      platform: fixture('darwin', 'ioreg-platform--checkaudio-macos13.txt'),
      clam: fixture('darwin', 'ioreg-clamshell--checkaudio-macos13.txt'),
    })));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(hostSchema.safeParse(r.data).success).toBe(true);
    // OpenCore writes its own name as manufacturer: what the firmware claims is what is reported.
    expect(r.data).toMatchObject({
      serial: 'XXXXXXXXXXXX', machineId: '00000000-0000-4000-8000-000000000000', vendor: 'Acidanthera', model: 'MacBookPro16,1', lid: 'open',
    });
  });

  it('a VMware guest without lid or battery', async () => {
    const r = await collect(fakeContext(mac({ platform: fixture('darwin', 'ioreg-platform--vmware.txt'), clam: '', batt: fixture('darwin', 'pmset-g-batt--desktop.txt') })));
    expect(r.status === 'ok' && r.data).toMatchObject({ chassis: 'vm', lid: null, power: { onAc: true }, virtualization: { isVirtual: true, vendor: 'VMware' } });
  });

  it('pmset missing leaves power unknown (null), not false; ioreg missing is an error', async () => {
    const r = await collect(fakeContext(mac({ batt: Object.assign(new Error('spawn pmset ENOENT'), { code: 'ENOENT' }) })));
    expect(r.status === 'ok' && r.data.power).toEqual({ onAc: null });
    const ctx = fakeContext({ files: mac().files! });
    expect((await collect(ctx)).status).toBe('error');
  });

  it('parsePmsetBatt: AC charged, non-English garbage', () => {
    expect(parsePmsetBatt(fixture('darwin', 'pmset-g-batt--ac.txt'))).toEqual({ onAc: true, batteryPercent: 100 });
    expect(parsePmsetBatt('Netzteil angeschlossen\n')).toBeUndefined();
  });
});

describe('activity darwin source', () => {
  it('HIDIdleTime nanoseconds → seconds, one fork', async () => {
    const ctx = fakeContext({ commands: { [cmd('ioreg', ioregHidSystem)]: fixture('darwin', 'ioreg-hidsystem.txt') } });
    const r = await collectActivity(ctx);
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: 93, source: 'IOHIDSystem HIDIdleTime' } });
    expect(r.status === 'ok' && activitySchema.safeParse(r.data).success).toBe(true);
  });
  it('HIDIdleTime from a real macOS 13 IOHIDSystem node (317321627 ns: under a second idle)', async () => {
    const r = await collectActivity(fakeContext({ commands: { [cmd('ioreg', ioregHidSystem)]: fixture('darwin', 'ioreg-hidsystem--checkaudio-macos13.txt') } }));
    expect(r).toEqual({ status: 'ok', data: { idleSeconds: 0, source: 'IOHIDSystem HIDIdleTime' } });
  });

  it('no HIDIdleTime is null with a reason; missing ioreg is command-missing', async () => {
    const r = await collectActivity(fakeContext({ commands: { ioreg: '' } }));
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: null } });
    expect(r.status === 'ok' && r.data.unavailableReason).toBeTruthy();
    expect(await collectActivity(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
