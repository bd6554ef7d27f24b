import { describe, expect, it } from 'vitest';
import type { Connector, Edid } from '../../../schema/snapshot/displays.js';
import { ipkvmEdid } from '../../../rules/device/ipkvm-edid.js';
import { edid, run, snapshot } from './build.js';

const external = (e: Edid, name = 'card0-HDMI-A-1'): Connector => ({ name, builtin: false, connected: true, edid: e });
const displays = (...connectors: Connector[]) => snapshot({ displays: { connectors, adapters: [] } });

describe('ipkvm.edid (real EDID bytes through the real parser)', () => {
  it.each([
    ['PiKVM configs/kvmd/edid/v3.hex', 'pikvm', 'PiKVM V3'],
    ['PiKVM configs/kvmd/edid/v4plus.hex', 'pikvm', 'PiKVM V4 Plus'],
    ['TinyPilot default EDID', 'tinypilot', 'TinyPilot'],
    ['JetKVM default EDID', 'jetkvm', 'T749-fHD720'],
    ['Sipeed NanoKVM default EDID', 'nanokvm', 'PHL 342E2'],
    ['BliKVM default EDID', 'blikvm', 'Toshiba-H2C'],
  ])('%s → %s', (label, subject, monitorName) => {
    const [m, ...rest] = run(ipkvmEdid, displays(external(edid(label))));
    expect(rest).toEqual([]);
    expect(m?.subject).toBe(subject);
    expect(m?.confidence).toBeGreaterThanOrEqual(0.85);
    expect(m?.evidence).toMatchObject({ connector: 'card0-HDMI-A-1', monitorName });
  });

  it('cites manufacturer id and product code in hex', () => {
    const [m] = run(ipkvmEdid, displays(external(edid('PiKVM configs/kvmd/edid/v0.hex'))));
    expect(m?.evidence).toMatchObject({ manufacturerId: 'LNX', productCode: '0x7770', serialText: 'CAFEBABE' });
  });

  it('still names a PiKVM whose monitor name was edited but kept the kvmd serial', () => {
    const e = { ...edid('PiKVM configs/kvmd/edid/v0.hex'), manufacturerId: 'DEL', productCode: 0x1234, monitorName: 'DELL P2419H' };
    const [m] = run(ipkvmEdid, displays(external(e)));
    expect(m?.subject).toBe('pikvm');
    expect(m?.evidence.matched).toEqual({ serialText: 'CAFEBABE' });
  });

  it('reports an HDMI capture dongle as a capture device, not a named KVM', () => {
    const [m] = run(ipkvmEdid, displays(external({ manufacturerId: 'HJW', productCode: 0x0001, monitorName: 'HDMI TO USB' })));
    expect(m?.subject).toBe('usb-hdmi-capture');
    expect(m?.severity).toBe('medium');
  });

  it('does not match real monitors: Dell U2715H, LG TV, a genuine Philips 342E2 with its own serial', () => {
    const philips = { ...edid('Sipeed NanoKVM default EDID'), serialText: 'UK02143099999' };
    const s = displays(external(edid('Dell U2715H')), external(edid('LG TV'), 'card0-DP-1'), external(philips, 'card0-DP-2'));
    expect(run(ipkvmEdid, s)).toEqual([]);
  });

  it('does not match a laptop panel or a snapshot without displays', () => {
    expect(run(ipkvmEdid, snapshot())).toEqual([]);
    expect(run(ipkvmEdid, displays({ name: 'card0-eDP-1', builtin: true, connected: true }))).toEqual([]);
  });
});
