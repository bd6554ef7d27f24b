import { describe, expect, it } from 'vitest';
import { collectFor, ioregClcd, ioregDisplayConnect } from '../../../collectors/displays/darwin.js';
import { connectorsFromDisplayConnect } from '../../../collectors/displays/parse-ioreg-displays.js';
import { displaysSchema } from '../../../collectors/displays/schema.js';
import { parseIoreg } from '../../../collectors/parse-ioreg.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const intel = `ioreg ${ioregDisplayConnect.join(' ')}`;
const clcd = `ioreg ${ioregClcd.join(' ')}`;

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

  it('tries the other class when the first lists nothing; missing ioreg is command-missing', async () => {
    const ctx = fakeContext({ commands: { [clcd]: '', [intel]: fixture('darwin', 'ioreg-displayconnect.txt') } });
    const r = await collectFor(ctx, 'arm64');
    expect(r.status === 'ok' && r.data.connectors).toHaveLength(3);
    expect(ctx.execCalls).toHaveLength(2);
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
