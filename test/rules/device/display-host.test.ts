import { describe, expect, it } from 'vitest';
import type { Connector, DisplayAdapter } from '../../../schema/snapshot/displays.js';
import type { Host } from '../../../schema/snapshot/host.js';
import { displayVirtualAdapter } from '../../../rules/device/display-virtual-adapter.js';
import { hostClamshell } from '../../../rules/device/host-clamshell.js';
import { hostVirtualMachine } from '../../../rules/device/host-virtual-machine.js';
import { context, edid, run, snapshot } from './build.js';

const displays = (adapters: DisplayAdapter[], connectors: Connector[] = []) => snapshot({ displays: { adapters, connectors } });

describe('display.virtual-adapter', () => {
  it('matches Parsec by adapter name, MttVDD by hardware id instance path, RustDesk IDD by driver', () => {
    const s = displays([
      { name: 'Parsec Virtual Display Adapter' },
      { name: 'Some Display', hardwareId: 'ROOT\\MttVDD\\0000' },
      { name: 'Display', driver: 'RustDeskIddDriver' },
    ]);
    expect(run(displayVirtualAdapter, s).map((m) => [m.subject, m.severity])).toEqual([
      ['parsec', 'medium'], ['mttvdd', 'medium'], ['rustdesk', 'medium'],
    ]);
  });

  it('matches a virtual monitor by EDID (Parsec PSC 0xCDD0) and keeps RDP adapters low', () => {
    const s = displays([{ name: 'Microsoft Remote Display Adapter' }], [
      { name: 'DISPLAY2', builtin: false, connected: true, edid: { manufacturerId: 'PSC', productCode: 0xcdd0, monitorName: 'ParsecVDA' } },
    ]);
    const matches = run(displayVirtualAdapter, s);
    expect(matches.map((m) => [m.subject, m.severity])).toEqual([['microsoft-remote-display', 'low'], ['parsec', 'medium']]);
    expect(matches[1]?.evidence).toMatchObject({ connector: 'DISPLAY2', manufacturerId: 'PSC', productCode: '0xCDD0' });
  });

  it('does not match DisplayLink (evdi), real GPUs or real monitors', () => {
    const s = displays(
      [{ name: 'DisplayLink USB Device', driver: 'evdi' }, { name: 'Intel(R) UHD Graphics 620', driver: 'i915', vendorId: '8086' }, { name: 'NVIDIA GeForce RTX 3060', driver: 'nvidia' }],
      [{ name: 'card0-DP-1', builtin: false, connected: true, edid: edid('Dell U2715H') }],
    );
    expect(run(displayVirtualAdapter, s)).toEqual([]);
  });
});

const host = (h: Partial<Host>): Host => ({
  hostname: 'lt-0042', os: { name: 'Ubuntu' }, arch: 'x64', virtualization: { isVirtual: false },
  power: { onAc: true }, lid: 'closed', ...h,
});
const panel: Connector = { name: 'card0-eDP-1', builtin: true, connected: true, enabled: false };
const monitor: Connector = { name: 'card0-HDMI-A-1', builtin: false, connected: true, edid: { manufacturerId: 'DEL', productCode: 0xd065, monitorName: 'DELL U2715H' } };
const clamshell = (h: Partial<Host> = {}, connectors: Connector[] = [panel, monitor]) =>
  snapshot({ host: host(h), displays: { connectors, adapters: [] } });

describe('host.clamshell', () => {
  it('fires with low confidence on a single snapshot: lid closed, on AC, external display only', () => {
    const [m] = run(hostClamshell, clamshell());
    expect(m?.confidence).toBe(0.3);
    expect(m?.evidence).toEqual({ lid: 'closed', onAc: true, externalDisplays: ['card0-HDMI-A-1 (DELL U2715H)'] });
  });

  it('grows with the clamshell run the baseline recorded', () => {
    const baseline = { firstSeen: '2026-01-01T00:00:00.000Z', remoteTools: [], inputDevices: [], clamshellSince: '2026-01-09T06:00:00.000Z' };
    const [m] = run(hostClamshell, clamshell(), context({ baseline }));
    expect(m?.confidence).toBe(0.8);
    expect(m?.evidence).toMatchObject({ clamshellSince: '2026-01-09T06:00:00.000Z', hours: 30 });
  });

  it('does not fire with the lid open, on battery, unknown power, a lit panel or no external display', () => {
    expect(run(hostClamshell, clamshell({ lid: 'open' }))).toEqual([]);
    expect(run(hostClamshell, clamshell({ power: { onAc: false } }))).toEqual([]);
    expect(run(hostClamshell, clamshell({ power: { onAc: null } }))).toEqual([]);
    expect(run(hostClamshell, clamshell({}, [{ ...panel, enabled: true }, monitor]))).toEqual([]);
    expect(run(hostClamshell, clamshell({}, [panel]))).toEqual([]);
    expect(run(hostClamshell, snapshot({ host: host({}) }))).toEqual([]);
  });
});

describe('host.virtual-machine', () => {
  it('fires when SMBIOS says the machine is a VM', () => {
    const s = snapshot({ host: host({ model: 'VMware Virtual Platform', virtualization: { isVirtual: true, vendor: 'VMware', evidence: 'sys_vendor=VMware, Inc.' } }) });
    const [m] = run(hostVirtualMachine, s);
    expect(m?.evidence).toEqual({ isVirtual: true, vendor: 'VMware', smbios: 'sys_vendor=VMware, Inc.', model: 'VMware Virtual Platform' });
  });

  it('does not fire on a laptop that hosts Hyper-V', () => {
    const s = snapshot({ host: host({ vendor: 'LENOVO', model: '20XW', virtualization: { isVirtual: false, vendor: 'Microsoft Hyper-V (host)' } }) });
    expect(run(hostVirtualMachine, s)).toEqual([]);
    expect(run(hostVirtualMachine, snapshot())).toEqual([]);
  });
});
