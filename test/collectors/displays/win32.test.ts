import { describe, expect, it } from 'vitest';
import { parseWmiDisplays, wmiString } from '../../../collectors/displays/parse-wmi-monitor.js';
import { displayVirtualAdapter } from '../../../rules/device/display-virtual-adapter.js';
import { fixture } from '../../helpers/fake-context.js';
import { emptySnapshot, ruleContext } from '../../helpers/snapshot.js';

const section = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).displays.data;

describe('parseWmiDisplays', () => {
  const { connectors, adapters, notes } = parseWmiDisplays(section);
  it('built-in panel from WmiMonitorID fields when the registry EDID is missing', () => {
    expect(connectors[0]).toMatchObject({ builtin: true, connected: true, enabled: true, edid: { manufacturerId: 'LEN', productCode: 0x40b5, year: 2022 } });
    expect(connectors[0]!.edid!.serialText).toBeUndefined();
    expect(notes.join(' ')).toMatch(/registry EDID unreadable/);
  });
  it('external monitor: registry EDID bytes parsed by the shared parser (PiKVM EDID)', () => {
    expect(connectors[1]).toMatchObject({ name: 'DISPLAY\\LNX7770\\5&1A2B3C4D&0&UID4352_0 (HDMI)', builtin: false });
    expect(connectors[1]!.edid).toMatchObject({ manufacturerId: 'LNX', productCode: 0x7770, monitorName: 'PiKVM', serialText: 'CAFEBABE' });
  });
  it('adapters with hardware id, driver service and PCI ids; a virtual display driver shows', () => {
    expect(adapters).toEqual([
      { name: 'Intel(R) Iris(R) Xe Graphics', driver: 'igfxn', hardwareId: 'PCI\\VEN_8086&DEV_A7A0&SUBSYS_22D817AA&REV_04', vendorId: '8086', deviceId: 'a7a0' },
      { name: 'Virtual Display Driver', driver: 'IndirectKmd', hardwareId: 'Root\\MttVDD' },
    ]);
  });
  it('bad EDID bytes are an edidError, not a throw', () => {
    const r = parseWmiDisplays({ monitors: { instance: 'DISPLAY\\X\\1_0', edid: '00FFFF', manufacturer: null } });
    expect(r.connectors[0]).toMatchObject({ edidError: expect.stringMatching(/truncated/) });
  });
  it('wmiString reads UInt16 arrays, null and a bare number', () => {
    expect(wmiString([68, 69, 76, 0, 0])).toBe('DEL');
    expect(wmiString(null)).toBeUndefined();
    expect(wmiString(65)).toBe('A');
  });
});

describe('parseWmiDisplays on adapters in the layout of a real Windows 10 listing (RDP + Intel + NVIDIA)', () => {
  const { connectors, adapters } = parseWmiDisplays(JSON.parse(fixture('win32', 'displays-rdp-intel-nvidia.json')));
  it('the RDP indirect display adapter keeps its name and its instance id as hardware id when PnP gave none', () => {
    expect(connectors).toEqual([]);
    expect(adapters[0]).toEqual({ name: 'Microsoft Remote Display Adapter', hardwareId: 'SWD\\REMOTEDISPLAYENUM\\RDPIDD_INDIRECTDISPLAY&SESSIONID_0002' });
  });
  it('PCI adapters: the most specific hardware id, vendor and device from the PCI id, the driver service', () => {
    expect(adapters.slice(1)).toEqual([
      { name: 'Intel(R) HD Graphics 4600', driver: 'igfx', hardwareId: 'PCI\\VEN_8086&DEV_0412&SUBSYS_D0001458&REV_06', vendorId: '8086', deviceId: '0412' },
      { name: 'NVIDIA GeForce GTX 950', driver: 'nvlddmkm', hardwareId: 'PCI\\VEN_10DE&DEV_1402&SUBSYS_36C31458&REV_A1', vendorId: '10de', deviceId: '1402' },
    ]);
  });
  it('the device rule names the RDP adapter, and only it, from these parsed adapters', () => {
    const matches = displayVirtualAdapter.evaluate(emptySnapshot({ displays: { connectors, adapters } }), ruleContext());
    expect(matches.map((m) => m.evidence.catalog)).toEqual(['microsoft-remote-display']);
  });
});
