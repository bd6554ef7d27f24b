import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileCatalogDir } from '../../../rules/catalog/build.js';
import { CompiledCatalog } from '../../../rules/catalog/compile.js';
import { loadCatalog } from '../../../rules/catalog/files.js';
import { compileCatalogs } from '../../../rules/catalog/index.js';
import { computeNameFacts, nameFactsFile, readNameFacts } from '../../../rules/catalog/name-facts.js';
import { commonProgramKeys } from '../../../rules/catalog/strength.js';

const scratch = mkdtempSync(join(tmpdir(), 'farmwatch-name-facts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const named = () => ({
  remoteAccess: loadCatalog('remoteAccess').tools,
  vpn: loadCatalog('vpn').vpns,
  softwareJigglers: loadCatalog('softwareJigglers').tools,
  commonPrograms: loadCatalog('commonPrograms').programs,
});

describe("the build's name facts (name-facts.json beside the compiled catalogs)", () => {
  it('are what compiling the catalogs works out at run time', () => {
    const out = compileCatalogDir(undefined, join(scratch, 'compiled'));
    expect(readNameFacts(named(), out)).toEqual(computeNameFacts(named()));
  });

  it('index every name as the compiler without them does: the same hits for every catalogued name', () => {
    const c = named();
    const facts = computeNameFacts(c);
    const common = commonProgramKeys(c.commonPrograms);
    const withFacts = new CompiledCatalog(c.remoteAccess, new Set(facts.commonKeys), facts.remoteAccess);
    const without = new CompiledCatalog(c.remoteAccess, common);
    const names = c.remoteAccess.flatMap((e) => e.names.map((n) => n.name));
    expect(names.length).toBeGreaterThan(1000);
    for (const name of [...names, 'AnyDesk.exe', 'sshd', 'teamviewerd', 'rustdesk']) expect(withFacts.lookupName(name), name).toEqual(without.lookupName(name));
    const dir = compileCatalogDir(undefined, join(scratch, 'compiled-2'));
    const fromDir = compileCatalogs(dir);
    for (const name of names) expect(fromDir.remoteAccess.lookupName(name), name).toEqual(without.lookupName(name));
  });

  it('are not used when they do not fit the catalogs, or are not JSON', () => {
    const dir = compileCatalogDir(undefined, join(scratch, 'compiled-3'));
    const facts = computeNameFacts(named());
    writeFileSync(join(dir, nameFactsFile), JSON.stringify({ ...facts, vpn: { ...facts.vpn, keys: facts.vpn.keys.slice(1) } }));
    expect(readNameFacts(named(), dir)).toBeUndefined();
    const shifted = [...facts.remoteAccess.keys.slice(1), facts.remoteAccess.keys[0]!];
    writeFileSync(join(dir, nameFactsFile), JSON.stringify({ ...facts, remoteAccess: { ...facts.remoteAccess, keys: shifted } }));
    expect(readNameFacts(named(), dir)).toBeUndefined();
    writeFileSync(join(dir, nameFactsFile), '{ not json');
    expect(readNameFacts(named(), dir)).toBeUndefined();
    // The catalogs still compile: the facts are worked out instead.
    expect(compileCatalogs(dir).remoteAccess.lookupName('AnyDesk.exe').length).toBeGreaterThan(0);
  });
});
