import { describe, expect, it } from 'vitest';
import { collectFor, ioregClcd, ioregDisplayConnect, ioregShim } from '../../../collectors/displays/darwin.js';
import { connectorsFromDisplayConnect } from '../../../collectors/displays/parse-ioreg-displays.js';
import { displaysSchema } from '../../../schema/snapshot/displays.js';
import { parseIoreg } from '../../../collectors/parse-ioreg.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const intel = `ioreg ${ioregDisplayConnect.join(' ')}`;
const clcd = `ioreg ${ioregClcd.join(' ')}`;
const shim = `ioreg ${ioregShim.join(' ')}`;

describe('displays darwin source', () => {
  it('Intel: reads IODisplayEDID of each AppleDisplay, the built-in panel, and a truncated EDID as edidError', async () => {
    const ctx = fakeContext({ commands: { [intel]: fixture('darwin', 'ioreg-displayconnect.txt') } });
    const r = await collectFor(ctx, 'x64');
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(displaysSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(1);
    const [builtin, kvm, dell] = r.data.connectors;
    expect(builtin).toMatchObject({ builtin: true, connected: true, name: 'AppleIntelFramebuffer@0/display0' });
    expect(builtin?.edid).toBeUndefined();
    expect(kvm?.edid).toMatchObject({ manufacturerId: 'LNX', productCode: 30576, monitorName: 'PiKVM', serialText: 'CAFEBABE', checksumValid: true });
    expect(dell?.edidError).toMatch(/truncated/);
  });

  it('Apple silicon: EDID fields from DisplayAttributes, built-in from `external`', async () => {
    const ctx = fakeContext({ commands: { [clcd]: fixture('darwin', 'ioreg-appleclcd2.txt') } });
    const r = await collectFor(ctx, 'arm64');
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(displaysSchema.safeParse(r.data).success).toBe(true);
    expect(r.data.connectors[0]).toMatchObject({ builtin: true, resolution: { width: 3024, height: 1964 } });
    expect(r.data.connectors[1]).toMatchObject({ builtin: false, edid: { manufacturerId: 'DEL', productCode: 53349, monitorName: 'DELL U2715H', serialNumber: 810308428, year: 2014, week: 39 } });
    expect(r.notes?.join('\n')).toMatch(/DisplayAttributes/);
  });

  it('Apple silicon, M1 (after the glpi-agent capture format): the unused internal pipe is built-in and not connected', async () => {
    const r = await collectFor(fakeContext({ commands: { [clcd]: fixture('darwin', 'ioreg-appleclcd2--m1-unused-internal.txt') } }), 'arm64');
    expect(r.status === 'ok' && r.data.connectors).toEqual([
      { name: 'disp0', builtin: true, connected: false },
      {
        name: 'dispext0', builtin: false, connected: true, resolution: { width: 2560, height: 1440 },
        edid: { manufacturerId: 'DEL', productCode: 53496, serialNumber: 810000001, serialText: '0000001', monitorName: 'DELL P2421DC', year: 2021, week: 36 },
      },
    ]);
  });

  it('Apple silicon, M1 Pro: the built-in panel has no `external` key and a non-PNP ManufacturerID; two externals', async () => {
    const r = await collectFor(fakeContext({ commands: { [clcd]: fixture('darwin', 'ioreg-appleclcd2--m1pro-two-externals.txt') } }), 'arm64');
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(displaysSchema.safeParse(r.data).success).toBe(true);
    expect(r.data.connectors.map((c) => [c.name, c.builtin, c.connected, c.edid?.monitorName])).toEqual([
      ['disp0', true, true, undefined],
      ['dispext0', false, true, 'DELL P2421DC'],
      ['dispext1', false, true, 'DELL P2421DC'],
    ]);
  });

  it('Intel on macOS 13 (real capture): the new IODisplayPrefsKey form names the connector GPU/display', () => {
    const connectors = connectorsFromDisplayConnect(parseIoreg(fixture('darwin', 'ioreg-displayconnect--checkaudio-macos13.txt')).nodes);
    // A Hackintosh's panel shows as a plain AppleDisplay without EDID: nothing says it is built in.
    expect(connectors).toEqual([{ name: 'IGPU@2/display0', builtin: false, connected: true }]);
  });

  it('newer Apple silicon: pipes published as IOMobileFramebufferShim are read when AppleCLCD2 lists none', async () => {
    const ctx = fakeContext({ commands: { [clcd]: '', [shim]: fixture('darwin', 'ioreg-iomobileframebuffershim.txt') } });
    const r = await collectFor(ctx, 'arm64');
    expect(ctx.execCalls).toHaveLength(2);
    expect(r.status === 'ok' && r.data.connectors.map((c) => [c.name, c.builtin, c.connected, c.edid?.manufacturerId, c.edid?.productCode])).toEqual([
      ['disp0', true, true, 'APP', 41052],
      ['dispext0', false, true, 'DEL', 17020],
    ]);
  });

  it('tries the other class when the first lists nothing; missing ioreg is command-missing', async () => {
    const ctx = fakeContext({ commands: { [clcd]: '', [shim]: '', [intel]: fixture('darwin', 'ioreg-displayconnect.txt') } });
    const r = await collectFor(ctx, 'arm64');
    expect(r.status === 'ok' && r.data.connectors).toHaveLength(3);
    expect(ctx.execCalls).toHaveLength(3);
    expect(await collectFor(fakeContext({}), 'arm64')).toMatchObject({ status: 'error', code: 'command-missing' });
  });

  it('reads a grep excerpt of ioreg -l (the shape of the Akemi capture): Dell and LG TV EDIDs', () => {
    const nodes = parseIoreg(fixture('darwin', 'ioreg-l-grep5-IODisplayEDID.txt')).nodes;
    const c = connectorsFromDisplayConnect(nodes);
    expect(c.map((x) => [x.name, x.edid?.manufacturerId, x.edid?.productCode, x.edid?.monitorName])).toEqual([
      ['AMDFramebufferVega10/display0', 'DEL', 53349, 'DELL U2715H'],
      ['AMDFramebufferVega10/display0', 'GSM', 1, 'LG TV'],
    ]);
  });
});
