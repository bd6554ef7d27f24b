import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogFiles as allCatalogFiles } from '../../../rules/catalog/files.js';
import { compileCatalogDir } from '../../../rules/catalog/build.js';
import { CatalogError } from '../../../rules/catalog/load.js';
import { deviceCatalogs, loadDeviceCatalogs } from '../../../rules/device/catalogs.js';

const catalogFiles = {
  ipkvm: allCatalogFiles.ipkvm.file,
  jigglers: allCatalogFiles.hardwareJigglers.file,
  virtualDisplays: allCatalogFiles.virtualDisplays.file,
  macPrefixes: allCatalogFiles.kvmMacPrefixes.file,
};
import { macHasPrefix, matchUsb, normalizeMac } from '../../../rules/device/match.js';

/** Every temporary directory of this file, removed after it. */
const scratch = mkdtempSync(join(tmpdir(), 'fw-catalogs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shipped = join(import.meta.dirname, '..', '..', '..', 'rules', 'catalogs');

/** A copy of the shipped catalogs in a temp dir, with one file replaced. */
function catalogDirWith(file: string, text: string): URL {
  const dir = mkdtempSync(join(scratch, 'catalogs-'));
  for (const f of readdirSync(shipped)) writeFileSync(join(dir, f), readFileSync(join(shipped, f)));
  writeFileSync(join(dir, file), text);
  // Validated as the build validates the shipped ones, then loaded by the one loader.
  return pathToFileURL(`${compileCatalogDir(dir, join(dir, 'compiled'))}/`);
}

describe('hardware catalogs', () => {
  it('load and validate, and every entry names its source', () => {
    const c = deviceCatalogs();
    const all = [...c.ipkvm.entries, ...c.jigglers.entries, ...c.virtualDisplays.entries, ...c.macPrefixes.entries];
    expect(c.ipkvm.entries.map((e) => e.id)).toEqual(expect.arrayContaining(['pikvm', 'tinypilot', 'jetkvm', 'nanokvm', 'glinet-comet', 'blikvm']));
    for (const e of all) expect(e.source.length, JSON.stringify(e).slice(0, 80)).toBeGreaterThan(10);
  });

  it('keeps ids unique per catalog', () => {
    const c = deviceCatalogs();
    for (const entries of [c.ipkvm.entries, c.jigglers.entries, c.virtualDisplays.entries]) {
      const ids = entries.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('names the file and field of a bad entry', () => {
    const bad = JSON.stringify({ about: 'x', entries: [{ prefix: 'zz:zz', id: 'x', maker: 'x', where: 'neighbor', confidence: 0.5, source: 'test' }] });
    expect(() => loadDeviceCatalogs(catalogDirWith(catalogFiles.macPrefixes, bad))).toThrow(CatalogError);
    expect(() => loadDeviceCatalogs(catalogDirWith(catalogFiles.macPrefixes, bad))).toThrow(/kvm-mac-prefixes\.json: entries\.0\.prefix/);
    expect(() => loadDeviceCatalogs(catalogDirWith(catalogFiles.ipkvm, '{"about":'))).toThrow(/ipkvm\.json/);
  });

  it('refuses a USB pattern that names nothing, or an entry without a source', () => {
    const ipkvm = JSON.parse(readFileSync(join(shipped, catalogFiles.ipkvm), 'utf8')) as { entries: Record<string, unknown>[] };
    const empty = structuredClone(ipkvm);
    empty.entries[0]!.usb = [{ confidence: 0.9 }];
    expect(() => loadDeviceCatalogs(catalogDirWith(catalogFiles.ipkvm, JSON.stringify(empty)))).toThrow(/at least one field/);
    const unsourced = structuredClone(ipkvm);
    delete unsourced.entries[0]!.source;
    expect(() => loadDeviceCatalogs(catalogDirWith(catalogFiles.ipkvm, JSON.stringify(unsourced)))).toThrow(/source/);
  });
});

describe('matchers', () => {
  it('normalise MAC addresses and refuse garbage', () => {
    expect(normalizeMac('B8-27-EB-1-2-3')).toBe('b8:27:eb:01:02:03');
    expect(normalizeMac('(incomplete)')).toBeNull();
    expect(normalizeMac('b8:27:eb:01:02')).toBeNull();
    expect(macHasPrefix('04:c9:8b:1f:00:00', '04:c9:8b:1')).toBe(true);
    expect(macHasPrefix('04:c9:8b:f1:00:00', '04:c9:8b:1')).toBe(false);
  });

  it('match USB patterns case-insensitively, every named field, the strongest winning', () => {
    const patterns = [
      { vendorId: '1d6b', productId: '0104', confidence: 0.6 },
      { vendorId: '1d6b', productId: '0104', serial: 'CAFEBABE', confidence: 0.9 },
    ];
    expect(matchUsb(patterns, [], { vendorId: '1d6b', productId: '0104', serial: 'cafebabe ' })?.confidence).toBe(0.9);
    expect(matchUsb(patterns, [], { vendorId: '1d6b', productId: '0105', serial: 'CAFEBABE' })).toBeNull();
    expect(matchUsb([], ['pikvm'], { product: 'My PiKVM' })?.matched).toEqual({ product: 'My PiKVM', keyword: 'pikvm' });
  });
});
