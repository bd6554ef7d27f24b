import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsnTableError, forTests, loadAsnTable } from '../../../server/geo/asn-table.js';
import { bundledDatabases } from '../../../server/geo/open.js';

const dir = mkdtempSync(join(tmpdir(), 'fw-asn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const v4Text = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 255n).toString()).join('.');
const v6Text = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');

describe('loadAsnTable', () => {
  it('reads quoted organisations, CRLF lines and both families, and answers null outside every range', () => {
    const v4 = csv('v4.csv', '16777216,16777471,13335,"Cloudflare, Inc."\r\n16778240,16779263,38803,"He said ""hi"""\n134744064,134744319,15169,Google LLC\n');
    const v6 = csv('v6.csv', '42541956101370907050197289607612071936,42541956180599069564461627201156022271,15169,Google LLC\n');
    const table = loadAsnTable(v4, v6);
    expect(table.ranges).toBe(4);
    expect(table.lookup('1.0.0.0')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup('1.0.0.255')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup('1.0.1.0')).toBeNull();
    expect(table.lookup('1.0.4.7')).toEqual({ asn: 38803, org: 'He said "hi"' });
    expect(table.lookup('8.8.8.8')).toEqual({ asn: 15169, org: 'Google LLC' });
    expect(table.lookup('0.0.0.1')).toBeNull();
    expect(table.lookup('2001:4860::1')).toEqual({ asn: 15169, org: 'Google LLC' });
    expect(table.lookup('2001:4860::1%eth0')).toEqual({ asn: 15169, org: 'Google LLC' });
    expect(table.lookup('2001:4861::1')).toBeNull();
    expect(table.lookup('not an address')).toBeNull();
    expect(table.lookup('')).toBeNull();
  });

  it('reads every organisation as the string path does: spaces, quotes, doubled quotes, non-ASCII ends, no name', () => {
    const names = ['  Acme  ', '"Quoted, Inc."', ' "He said ""hi""" ', '"', '""', '"a""', '\u00a0Nbsp Corp\u00a0', 'Zürich AG', '株式会社', '\tTabbed\t', ''];
    const lines = names.map((name, i) => `${i * 10},${i * 10 + 5},${100 + i},${name}`);
    lines.push('200,205,999');
    const table = loadAsnTable(csv('orgs.csv', `${lines.join('\n')}\n`));
    names.forEach((name, i) => {
      const field = Buffer.from(name);
      expect(table.lookup(`0.0.0.${i * 10}`)).toEqual({ asn: 100 + i, org: forTests.decodeOrg(field, 0, field.length) });
    });
    expect(table.lookup('0.0.0.200')).toEqual({ asn: 999, org: '' });
    expect(table.lookup('0.0.0.60')?.org).toBe('Nbsp Corp');
    expect(table.lookup('0.0.0.20')?.org).toBe('He said "hi"');
  });

  it('keeps one name per ASN (the first) over more ASNs than its first table holds', () => {
    const lines: string[] = [];
    for (let i = 0; i < 150_000; i++) {
      const asn = (i * 7919) % 140_000;
      lines.push(`${i * 4},${i * 4 + 1},${asn},org ${asn}${i >= 140_000 ? ' again' : ''}`);
    }
    const table = loadAsnTable(csv('many.csv', `${lines.join('\n')}\n`));
    for (const i of [0, 1, 65_537, 131_071, 139_999, 140_000, 149_999]) {
      const asn = (i * 7919) % 140_000;
      expect(table.lookup(v4Text(BigInt(i * 4)))).toEqual({ asn, org: `org ${asn}` });
    }
  });

  it('refuses a bad file with its name and line', () => {
    expect(() => loadAsnTable(csv('a.csv', '5,9,1,x\n1,2,1,y\n'))).toThrow(/a\.csv:2: ranges are not sorted/);
    expect(() => loadAsnTable(csv('b.csv', '1,2,1,x\n5,x9,1,y\n'))).toThrow(/b\.csv:2: bad address number/);
    expect(() => loadAsnTable(csv('c.csv', '1,4294967296,1,x\n'))).toThrow(/c\.csv:1: bad address number/);
    expect(() => loadAsnTable(csv('d.csv', '9,1,1,x\n'))).toThrow(/d\.csv:1: range ends before it starts/);
    expect(() => loadAsnTable(csv('e.csv', '1,2\n'))).toThrow(/e\.csv:1: not an ASN range line/);
    expect(() => loadAsnTable(csv('f.csv', '\n\n'))).toThrow(/f\.csv: no ASN ranges/);
    expect(() => loadAsnTable(join(dir, 'absent.csv'))).toThrow(AsnTableError);
  });

  it('reads 128-bit decimals exactly', () => {
    const out = new Uint32Array(4);
    expect(forTests.readDecimal(Buffer.from('340282366920938463463374607431768211455'), 0, 39, out, 0, 4)).toBe(true);
    expect([...out]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(forTests.readDecimal(Buffer.from('340282366920938463463374607431768211456'), 0, 39, out, 0, 4)).toBe(false);
  });

  // The bundled data, checked against BigInt arithmetic on every 997th line of both files.
  it('answers each sampled range of the bundled database at its first and last address', () => {
    const { asnV4, asnV6 } = bundledDatabases();
    if (!asnV4 || !asnV6) throw new Error('@ip-location-db/asn is a dependency: run npm ci');
    const table = loadAsnTable(asnV4, asnV6);
    expect(table.ranges).toBeGreaterThan(400_000);
    expect(table.lookup('8.8.8.8')?.asn).toBe(15169);
    for (const [file, text] of [[asnV4, v4Text], [asnV6, v6Text]] as const) {
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      for (let i = 0; i < lines.length; i += 997) {
        const [start = '', end = '', asn = ''] = lines[i]!.split(',');
        expect(table.lookup(text(BigInt(start)))?.asn, lines[i]).toBe(Number(asn));
        expect(table.lookup(text(BigInt(end)))?.asn, lines[i]).toBe(Number(asn));
      }
    }
  });
});
