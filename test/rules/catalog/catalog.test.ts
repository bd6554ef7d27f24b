import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileCatalogDir } from '../../../rules/catalog/build.js';
import { catalogs, compileCatalogs, CatalogError } from '../../../rules/catalog/index.js';
import { normaliseName } from '../../../rules/catalog/normalise.js';
import { packageRoot } from '../../../common/version.js';
import { proc } from '../../helpers/snapshot.js';

/** Every temporary directory of this file, removed after it. */
const scratch = mkdtempSync(join(tmpdir(), 'fw-cat-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = packageRoot();
/** LOLRMM's tool list (name and defining yaml of each), kept as a fixture with its source: test/fixtures/catalogs/. */
const lolrmm = (JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'catalogs', 'lolrmm-tools.json'), 'utf8')) as { tools: { name: string; source_file: string }[] }).tools;
const raw = JSON.parse(readFileSync(join(root, 'rules', 'catalogs', 'remote-access.json'), 'utf8')) as { tools: { id: string; name: string; source: string; names: { name: string; source?: string }[] }[] };

describe('remote-access catalog', () => {
  it('holds every one of the 319 LOLRMM tools, each citing its LOLRMM yaml', () => {
    const sources = raw.tools.map((t) => t.source).join('\n');
    const yamlFiles = [...sources.matchAll(/LOLRMM, Apache-2\.0\) (yaml\/[^;\n]+?\.ya?ml)/g)].map((m) => m[1]);
    expect(new Set(yamlFiles).size).toBe(319);
    expect(lolrmm).toHaveLength(319);
    for (const t of lolrmm) expect(yamlFiles, t.name).toContain(t.source_file.split(':')[1]);
  });

  it('gives every entry a source, and loads and validates', () => {
    for (const t of raw.tools) expect(t.source.length, t.id).toBeGreaterThan(3);
    expect(catalogs().remoteAccess.entries.length).toBeGreaterThanOrEqual(319);
    expect(catalogs().vpn.byId.get('astrill')?.kind).toBe('consumer');
    expect(catalogs().vpn.byId.get('tailscale')?.kind).toBe('mesh');
  });

  it('normalises .exe, .app, paths and case', () => {
    expect(normaliseName('C:\\Program Files (x86)\\AnyDesk\\AnyDesk.EXE')).toBe('anydesk');
    expect(normaliseName('/Applications/AnyDesk.app')).toBe('anydesk');
    expect(normaliseName('anydesk.service')).toBe('anydesk');
    const hits = catalogs().remoteAccess.lookupName('ANYDESK.exe');
    expect(hits.map((h) => h.id)).toContain('anydesk');
    expect(hits.find((h) => h.id === 'anydesk')?.strength).toBe('strong');
  });

  it('matches Chrome Remote Desktop\'s Linux host by its 15-character comm', () => {
    const crd = catalogs().remoteAccess.matchProcess(proc({ name: 'chrome-remote-d', comm: 'chrome-remote-d' }));
    expect(crd.map((h) => [h.id, h.by])).toContainEqual(['chrome-remote-desktop', 'comm']);
    // and as the python script it is, when the executable is the interpreter
    const script = catalogs().remoteAccess.matchProcess(proc({ name: 'python3', exe: '/usr/bin/python3.11', cmdline: ['/usr/bin/python3', '/opt/google/chrome-remote-desktop/chrome-remote-desktop', '--start'] }));
    expect(script.map((h) => [h.id, h.by])).toContainEqual(['chrome-remote-desktop', 'script']);
    // a 15-character comm that is not a cut of a catalogued name matches nothing
    expect(catalogs().remoteAccess.matchProcess(proc({ name: 'gnome-shell-cal', comm: 'gnome-shell-cal' }))).toEqual([]);
  });

  it('marks generic names weak: agent, client, vnc, wildcards', () => {
    for (const n of ['agent.exe', 'client32.exe', 'vncserver', 'setup.exe', 'dwm.exe']) {
      const hits = catalogs().remoteAccess.lookupName(n);
      for (const h of hits) expect(h.strength, `${n} in ${h.id}`).toBe('weak');
    }
    const wild = catalogs().remoteAccess.lookupName('rustdesk-1.2.3-x86_64.exe');
    expect(wild.length).toBeGreaterThan(0);
    expect(wild.every((h) => h.strength === 'weak')).toBe(true);
  });

  it('rejects a bad catalog file with an error naming the field', () => {
    const dir = mkdtempSync(join(scratch, 'catalogs-'));
    for (const f of readdirSync(join(root, 'rules', 'catalogs'))) writeFileSync(join(dir, f), readFileSync(join(root, 'rules', 'catalogs', f)));
    const broken = structuredClone(raw) as { tools: { source?: string }[] };
    delete broken.tools[3]!.source;
    writeFileSync(join(dir, 'remote-access.json'), JSON.stringify(broken));
    // The catalogs are validated by the build (compileCatalogDir); a bad source never reaches the runtime.
    expect(() => compileCatalogs(compileCatalogDir(dir))).toThrow(CatalogError);
    expect(() => compileCatalogs(compileCatalogDir(dir))).toThrow(/tools\.3\.source/);
    writeFileSync(join(dir, 'remote-access.json'), '{ not json');
    expect(() => compileCatalogs(compileCatalogDir(dir))).toThrow(/remote-access\.json/);
  });
});

describe('preparing the catalogs ahead of the first evaluation (the daemon start)', () => {
  it('what prepare loads is what the rules then use, without loading again', async () => {
    vi.resetModules(); // fresh module state: nothing cached by the tests above
    const fresh = await import('../../../rules/catalog/index.js');
    const device = await import('../../../rules/device/catalogs.js');
    const prepared = await fresh.prepareCatalogs();
    expect(fresh.catalogs()).toBe(prepared);
    expect(prepared.remoteAccess.entries).toEqual(compileCatalogs().remoteAccess.entries);
    const preparedDevice = await device.prepareDeviceCatalogs();
    expect(device.deviceCatalogs()).toBe(preparedDevice);
    expect(preparedDevice).toEqual(device.loadDeviceCatalogs());
  });
});
