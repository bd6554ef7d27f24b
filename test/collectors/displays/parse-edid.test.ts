import { describe, expect, it } from 'vitest';
import { bytesFromHex, parseEdid } from '../../../collectors/displays/parse-edid.js';
import { edidSchema } from '../../../schema/snapshot/displays.js';
import { fixture } from '../../helpers/fake-context.js';

interface Sample { label: string; hex: string; expect: Record<string, unknown> }
const samples = JSON.parse(fixture('linux', 'edid-samples.json')) as Sample[];

function parsed(input: Uint8Array | string) {
  const r = parseEdid(input);
  if (!('edid' in r)) throw new Error(r.error);
  return r.edid;
}

describe('parseEdid on real EDID bytes', () => {
  it.each(samples.map((s) => [s.label, s] as const))('%s: matches what its source states', (_label, sample) => {
    const edid = parsed(sample.hex);
    expect(edid).toMatchObject(sample.expect);
    expect(edid.checksumValid).toBe(true);
    expect(edidSchema.safeParse(edid).success).toBe(true);
    expect(edid.hex).toBe(sample.hex.toLowerCase());
  });

  it('reads the Dell U2715H name, serial text and EDID 1.4', () => {
    const dell = samples.find((s) => s.label.startsWith('Dell'))!;
    expect(parsed(dell.hex)).toMatchObject({ monitorName: 'DELL U2715H', serialText: 'GH85D49S0LSL', version: '1.4', week: 39, year: 2014 });
  });

  it('gives the same result for bytes and for hex text in other spellings', () => {
    const pikvm = samples[0]!;
    const bytes = Uint8Array.from(Buffer.from(pikvm.hex, 'hex'));
    const spaced = `<${pikvm.hex.match(/../g)!.join(' ').toLowerCase()}>`;
    expect(parsed(bytes)).toEqual(parsed(pikvm.hex));
    expect(parsed(spaced)).toEqual(parsed(pikvm.hex));
  });
});

describe('parseEdid on damaged input (errors, never throws)', () => {
  const good = Uint8Array.from(Buffer.from(samples[0]!.hex, 'hex'));

  it('reports a truncated EDID', () => {
    expect(parseEdid(good.subarray(0, 100))).toEqual({ error: 'EDID truncated: 100 of 128 bytes' });
    expect(parseEdid(new Uint8Array())).toEqual({ error: 'EDID is empty' });
  });

  it('reports a wrong header', () => {
    const bad = Uint8Array.from(good);
    bad[7] = 0x01;
    expect(parseEdid(bad)).toEqual({ error: 'EDID header is not 00 FF FF FF FF FF FF 00' });
  });

  it('keeps the fields of a block with a bad checksum, and says so', () => {
    const edited = Uint8Array.from(good);
    edited[0x5f + 5] = 0x51; // one letter of the monitor name changed, checksum not updated
    const edid = parsed(edited);
    expect(edid.checksumValid).toBe(false);
    expect(edid.manufacturerId).toBe('LNX');
  });

  it('treats week 0xFF as a model year and drops an impossible manufacturer id', () => {
    const modelYear = Uint8Array.from(good);
    modelYear[16] = 0xff;
    expect(parsed(modelYear)).toMatchObject({ year: 2016 });
    expect(parsed(modelYear).week).toBeUndefined();
    const badId = Uint8Array.from(good);
    badId[8] = 0x7f; badId[9] = 0xff;
    expect(parseEdid(badId)).toEqual({ error: 'EDID manufacturer id 0x7fff is not three letters' });
  });

  it('rejects hex text that is not hex', () => {
    expect(bytesFromHex('00ff0')).toBe('EDID hex has an odd number of digits');
    expect(parseEdid('00ffzz')).toEqual({ error: 'EDID hex contains non-hex characters' });
  });

  it('reads a hand-made block with 0xFE text and a zero serial', () => {
    const b = new Uint8Array(128);
    b.set([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    b.set([0x04, 0x43], 8); // "ABC": 00001 00010 00011
    b.set([0x34, 0x12], 10);
    b.set([0, 30, 1, 4], 16);
    b.set([0, 0, 0, 0xfe, 0, ...Buffer.from('Hello\n      ')], 54);
    b[127] = (256 - (b.reduce((s, x) => s + x, 0) % 256)) % 256;
    expect(parsed(b)).toEqual({
      manufacturerId: 'ABC', productCode: 0x1234, year: 2020, version: '1.4', text: 'Hello',
      checksumValid: true, hex: Buffer.from(b).toString('hex'),
    });
  });
});
