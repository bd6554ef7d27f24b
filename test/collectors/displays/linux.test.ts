import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/displays/linux.js';
import { displaysSchema } from '../../../schema/snapshot/displays.js';
import { fakeContext, fixture, type FakeOs } from '../../helpers/fake-context.js';

const drm = '/sys/class/drm';
const samples = JSON.parse(fixture('linux', 'edid-samples.json')) as { label: string; hex: string }[];
const edidOf = (label: string) => Buffer.from(samples.find((s) => s.label.startsWith(label))!.hex, 'hex');

/** A laptop (Intel i915) with its panel, a PiKVM on HDMI, an empty DP port, and a DisplayLink (evdi) dock. */
function laptopTree(): Required<Pick<FakeOs, 'files' | 'dirs' | 'links'>> {
  return {
    dirs: { [drm]: ['card0', 'card0-DP-1', 'card0-HDMI-A-1', 'card0-eDP-1', 'card1', 'card1-DVI-I-1', 'renderD128', 'version'] },
    files: {
      [`${drm}/card0-eDP-1/status`]: 'connected\n',
      [`${drm}/card0-eDP-1/enabled`]: 'enabled\n',
      [`${drm}/card0-eDP-1/edid`]: edidOf('Dell U2715H'),
      [`${drm}/card0-eDP-1/modes`]: '2560x1440\n1920x1080\n',
      [`${drm}/card0-HDMI-A-1/status`]: 'connected\n',
      [`${drm}/card0-HDMI-A-1/enabled`]: 'enabled\n',
      [`${drm}/card0-HDMI-A-1/edid`]: edidOf('PiKVM configs/kvmd/edid/v3'),
      [`${drm}/card0-HDMI-A-1/modes`]: '1920x1080\n1280x720\n',
      [`${drm}/card0-DP-1/status`]: 'disconnected\n',
      [`${drm}/card0-DP-1/enabled`]: 'disabled\n',
      [`${drm}/card0-DP-1/edid`]: Buffer.alloc(0),
      [`${drm}/card0-DP-1/modes`]: '',
      [`${drm}/card1-DVI-I-1/status`]: 'connected\n',
      [`${drm}/card1-DVI-I-1/edid`]: edidOf('Dell U2715H').subarray(0, 64),
      [`${drm}/card0/device/vendor`]: '0x8086\n',
      [`${drm}/card0/device/device`]: '0x9a49\n',
      [`${drm}/card0/device/uevent`]: 'DRIVER=i915\nPCI_CLASS=30000\nPCI_ID=8086:9A49\n',
      [`${drm}/card1/device/uevent`]: 'DRIVER=evdi\nMODALIAS=platform:evdi\n',
    },
    links: {
      [`${drm}/card0/device/driver`]: '../../../bus/pci/drivers/i915',
    },
  };
}

describe('displays on Linux', () => {
  it('reads connectors with EDIDs and adapters, forking nothing', async () => {
    const ctx = fakeContext(laptopTree());
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(displaysSchema.parse(result.data)).toEqual(result.data);
    const { connectors, adapters } = result.data;
    expect(connectors.map((c) => [c.name, c.builtin, c.connected, c.enabled ?? null])).toEqual([
      ['card0-DP-1', false, false, false],
      ['card0-eDP-1', true, true, true],
      ['card0-HDMI-A-1', false, true, true],
      ['card1-DVI-I-1', false, true, null],
    ]);
    const hdmi = connectors.find((c) => c.name === 'card0-HDMI-A-1')!;
    expect(hdmi.edid).toMatchObject({ manufacturerId: 'LNX', productCode: 0x7771, monitorName: 'PiKVM V3', serialText: 'CAFEBABE' });
    expect(hdmi.resolution).toEqual({ width: 1920, height: 1080 });
    expect(connectors.find((c) => c.name === 'card0-eDP-1')!.resolution).toEqual({ width: 2560, height: 1440 });
    // An empty edid file: nothing attached, so neither an EDID nor an error.
    const dp = connectors.find((c) => c.name === 'card0-DP-1')!;
    expect(dp.edid).toBeUndefined();
    expect(dp.edidError).toBeUndefined();
    expect(connectors.find((c) => c.name === 'card1-DVI-I-1')!.edidError).toBe('EDID truncated: 64 of 128 bytes');
    expect(adapters).toEqual([
      { name: 'card0', driver: 'i915', vendorId: '8086', deviceId: '9a49' },
      { name: 'card1', driver: 'evdi' },
    ]);
  });

  it('says there is no DRM on a machine without it (servers, containers)', async () => {
    expect(await collect(fakeContext({}))).toEqual({
      status: 'ok', data: { connectors: [], adapters: [] }, notes: ['no DRM: /sys/class/drm is absent'],
    });
  });

  it('takes PCI ids from the uevent when the id files are missing, and notes a DRM folder without cards', async () => {
    const ctx = fakeContext({
      dirs: { [drm]: ['card0', 'version'] },
      files: { [`${drm}/card0/device/uevent`]: 'DRIVER=virtio-pci\nPCI_ID=1AF4:1050\n' },
      links: { [`${drm}/card0/device/driver`]: '../../../bus/pci/drivers/virtio-pci' },
    });
    expect(await collect(ctx)).toEqual({
      status: 'ok',
      data: { connectors: [], adapters: [{ name: 'card0', driver: 'virtio-pci', vendorId: '1af4', deviceId: '1050' }] },
    });
    expect(await collect(fakeContext({ dirs: { [drm]: ['version'] } }))).toMatchObject({ notes: ['no display adapter under /sys/class/drm'] });
  });

  it('reports an unreadable DRM folder as an error', async () => {
    const ctx = fakeContext({});
    ctx.readDir = async () => { throw Object.assign(new Error('EACCES'), { code: 'EACCES' }); };
    expect(await collect(ctx)).toMatchObject({ status: 'error', code: 'permission-denied' });
  });
});
