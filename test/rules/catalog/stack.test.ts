import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCatalogs } from '../../../rules/catalog/index.js';
import { catalogFiles, loadCatalog, type CatalogName } from '../../../rules/catalog/files.js';
import { CatalogError, catalogDir } from '../../../rules/catalog/load.js';
import { loadDeviceCatalogs } from '../../../rules/device/catalogs.js';

const names = Object.keys(catalogFiles) as CatalogName[];

describe('one catalog stack', () => {
  it('knows every file under rules/catalogs/, each with its schema, and every shipped file validates', () => {
    const onDisk = readdirSync(catalogDir()).filter((f) => f.endsWith('.json')).sort();
    expect(names.map((n) => catalogFiles[n].file).sort()).toEqual(onDisk);
    for (const name of names) expect(() => loadCatalog(name), name).not.toThrow();
  });

  it('refuses a bad file of any catalog with the one CatalogError, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-stack-'));
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
  });
});
