import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { catalogFiles, type CatalogData, type CatalogName } from './files.js';
import { computeNameFacts, nameFactsFile } from './name-facts.js';
import { CatalogError, catalogDir } from './load.js';
import { attackTechniquesCatalogSchema } from './schemas/attack-techniques.js';
import { commonProgramsCatalogSchema } from './schemas/common-programs.js';
import { countryZonesCatalogSchema } from './schemas/geo-country-zones.js';
import { hostingAsnsCatalogSchema } from './schemas/hosting-asns.js';
import { ipkvmCatalogSchema } from './schemas/ipkvm.js';
import { hardwareJigglerCatalogSchema } from './schemas/jigglers-hardware.js';
import { macPrefixCatalogSchema } from './schemas/kvm-mac-prefixes.js';
import { virtualMediaCatalogSchema } from './schemas/kvm-virtual-media.js';
import { relayCatalogSchema } from './schemas/relays.js';
import { remoteAccessCatalogSchema } from './schemas/remote-access.js';
import { softwareJigglerCatalogSchema } from './schemas/software-jigglers.js';
import { virtualDisplayCatalogSchema } from './schemas/virtual-displays.js';
import { virtualInputCatalogSchema } from './schemas/virtual-input-devices.js';
import { vpnCatalogSchema } from './schemas/vpn.js';

/** Each catalog's schema: the build (and tests) validate the sources with it; the runtime never loads zod for them. */
export const catalogSchemas: { [N in CatalogName]: z.ZodType } = {
  remoteAccess: remoteAccessCatalogSchema,
  vpn: vpnCatalogSchema,
  softwareJigglers: softwareJigglerCatalogSchema,
  commonPrograms: commonProgramsCatalogSchema,
  ipkvm: ipkvmCatalogSchema,
  hardwareJigglers: hardwareJigglerCatalogSchema,
  virtualDisplays: virtualDisplayCatalogSchema,
  virtualInputDevices: virtualInputCatalogSchema,
  kvmMacPrefixes: macPrefixCatalogSchema,
  kvmVirtualMedia: virtualMediaCatalogSchema,
  countryZones: countryZonesCatalogSchema,
  hostingAsns: hostingAsnsCatalogSchema,
  relays: relayCatalogSchema,
  attackTechniques: attackTechniquesCatalogSchema,
};

const toPath = (dir: string | URL): string => (dir instanceof URL ? fileURLToPath(dir) : dir);

/** Reads and validates one catalog source file; a bad file is a CatalogError naming the file and the field. */
export function validateCatalogSource(name: CatalogName, dir: string | URL = catalogDir()): unknown {
  const path = join(toPath(dir), catalogFiles[name].file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogError(`catalog ${path}: ${(err as Error).message}`);
  }
  return parseCatalog(path, raw, catalogSchemas[name]);
}

/** Validates a catalog already read; the first issues name their field path. */
export function parseCatalog<S extends z.ZodType>(label: string, raw: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CatalogError(`catalog ${label}: ${first.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Validates every catalog source in `src` and writes its parsed form to `out` (a fresh temporary directory unless
 * given), which loadCatalog then reads without zod. Nothing is written unless every file validates.
 */
export function compileCatalogDir(src: string | URL = catalogDir(), out?: string | URL): string {
  const names = Object.keys(catalogFiles) as CatalogName[];
  const parsed = names.map((name) => [name, validateCatalogSource(name, src)] as const);
  const dir = out === undefined ? mkdtempSync(join(tmpdir(), 'farmwatch-catalogs-')) : toPath(out);
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of parsed) writeFileSync(join(dir, catalogFiles[name].file), `${JSON.stringify(data)}\n`);
  // What compiling the software catalogs works out for each name, once here rather than at every start.
  const of = <N extends CatalogName>(name: N) => parsed.find(([n]) => n === name)![1] as CatalogData<N>;
  const facts = computeNameFacts({
    remoteAccess: of('remoteAccess').tools,
    vpn: of('vpn').vpns,
    softwareJigglers: of('softwareJigglers').tools,
    commonPrograms: of('commonPrograms').programs,
  });
  writeFileSync(join(dir, nameFactsFile), `${JSON.stringify(facts)}\n`);
  return dir;
}
