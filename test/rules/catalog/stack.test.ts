import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCatalogs } from '../../../rules/catalog/index.js';
import { catalogFiles, loadCatalog, type CatalogName } from '../../../rules/catalog/files.js';
import { compileCatalogDir } from '../../../rules/catalog/build.js';
import { CatalogError, catalogDir } from '../../../rules/catalog/load.js';
import { loadDeviceCatalogs } from '../../../rules/device/catalogs.js';

const names = Object.keys(catalogFiles) as CatalogName[];

/** Every temporary directory of this file, removed after it. */
const scratch = mkdtempSync(join(tmpdir(), 'fw-stack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('one catalog stack', () => {
  it('knows every file under rules/catalogs/, each with its schema, and every shipped file validates', () => {
    const onDisk = readdirSync(catalogDir()).filter((f) => f.endsWith('.json')).sort();
    expect(names.map((n) => catalogFiles[n].file).sort()).toEqual(onDisk);
    for (const name of names) expect(() => loadCatalog(name), name).not.toThrow();
  });

  it('refuses a bad source of any catalog at build time with the one CatalogError, naming the file', () => {
    for (const name of names) {
      const { file } = catalogFiles[name];
      const src = mkdtempSync(join(scratch, 'src-'));
      for (const n of names) writeFileSync(join(src, catalogFiles[n].file), readFileSync(join(catalogDir(), catalogFiles[n].file)));
      // The catalog's main list (or map) replaced by a number.
      const shape: { arrays: readonly string[]; objects?: readonly string[] } = catalogFiles[name].shape;
      const key = shape.arrays[0] ?? shape.objects![0]!;
      writeFileSync(join(src, file), JSON.stringify({ ...JSON.parse(readFileSync(join(catalogDir(), file), 'utf8')), [key]: 1 }));
      expect(() => compileCatalogDir(src), name).toThrow(CatalogError);
      expect(() => compileCatalogDir(src), name).toThrow(new RegExp(`${file.replace(/\./g, '\\.')}: ${key}`));
    }
  });

  it('refuses a corrupt compiled file of any catalog at run time with the one CatalogError, naming the file', () => {
    const dir = mkdtempSync(join(scratch, 'compiled-'));
    for (const name of names) {
      const { file } = catalogFiles[name];
      writeFileSync(join(dir, file), '{"about": 1}');
      expect(() => loadCatalog(name, dir), name).toThrow(CatalogError);
      expect(() => loadCatalog(name, dir), name).toThrow(new RegExp(file.replace(/\./g, '\\.')));
    }
    // The software and the hardware loaders are the same loader.
    expect(() => compileCatalogs(dir)).toThrow(CatalogError);
    expect(() => loadDeviceCatalogs(dir)).toThrow(CatalogError);
    expect(() => loadCatalog('vpn', join(dir, 'missing'))).toThrow(/vpn\.json: ENOENT/);
    writeFileSync(join(dir, 'vpn.json'), '{ not json');
    expect(() => loadCatalog('vpn', dir)).toThrow(/vpn\.json/);
  });

  it('the compiled form is the validated source: what the build writes is what the schemas parse', () => {
    const out = compileCatalogDir(undefined, join(scratch, 'compiled'));
    for (const name of names) expect(loadCatalog(name, out), name).toEqual(loadCatalog(name));
  });
});
