import type { z } from 'zod';
import { loadCatalogFile, type CatalogShape } from './load.js';
import type { attackTechniquesCatalogSchema } from './schemas/attack-techniques.js';
import type { commonProgramsCatalogSchema } from './schemas/common-programs.js';
import type { countryZonesCatalogSchema } from './schemas/geo-country-zones.js';
import type { hostingAsnsCatalogSchema } from './schemas/hosting-asns.js';
import type { ipkvmCatalogSchema } from './schemas/ipkvm.js';
import type { hardwareJigglerCatalogSchema } from './schemas/jigglers-hardware.js';
import type { macPrefixCatalogSchema } from './schemas/kvm-mac-prefixes.js';
import type { virtualMediaCatalogSchema } from './schemas/kvm-virtual-media.js';
import type { relayCatalogSchema } from './schemas/relays.js';
import type { remoteAccessCatalogSchema } from './schemas/remote-access.js';
import type { softwareJigglerCatalogSchema } from './schemas/software-jigglers.js';
import type { virtualDisplayCatalogSchema } from './schemas/virtual-displays.js';
import type { virtualInputCatalogSchema } from './schemas/virtual-input-devices.js';
import type { vpnCatalogSchema } from './schemas/vpn.js';

/**
 * Every catalog file under rules/catalogs/ with the top-level shape its compiled form must have. The schemas (one
 * module per catalog under schemas/, paired with these names in build.ts) are used by the build only: importing them
 * here would load zod into every command.
 */
export const catalogFiles = {
  remoteAccess: { file: 'remote-access.json', shape: { arrays: ['tools', 'commonPorts', 'remoteControlPorts'] } },
  vpn: { file: 'vpn.json', shape: { arrays: ['vpns'] } },
  softwareJigglers: { file: 'software-jigglers.json', shape: { arrays: ['tools'] } },
  commonPrograms: { file: 'common-programs.json', shape: { arrays: ['programs'] } },
  ipkvm: { file: 'ipkvm.json', shape: { arrays: ['entries'] } },
  hardwareJigglers: { file: 'jigglers-hardware.json', shape: { arrays: ['entries'] } },
  virtualDisplays: { file: 'virtual-displays.json', shape: { arrays: ['entries'] } },
  virtualInputDevices: { file: 'virtual-input-devices.json', shape: { arrays: ['entries', 'cleanTools'] } },
  kvmMacPrefixes: { file: 'kvm-mac-prefixes.json', shape: { arrays: ['entries'] } },
  kvmVirtualMedia: { file: 'kvm-virtual-media.json', shape: { arrays: ['entries'] } },
  countryZones: { file: 'geo-country-zones.json', shape: { arrays: [], objects: ['countries', 'links'] } },
  hostingAsns: { file: 'hosting-asns.json', shape: { arrays: ['entries'] } },
  relays: { file: 'relays.json', shape: { arrays: ['entries'] } },
  attackTechniques: { file: 'attack-techniques.json', shape: { arrays: ['techniques'], objects: ['tactics'] } },
} as const satisfies Record<string, { file: string; shape: CatalogShape }>;

export type CatalogName = keyof typeof catalogFiles;

interface CatalogSchemas {
  remoteAccess: typeof remoteAccessCatalogSchema;
  vpn: typeof vpnCatalogSchema;
  softwareJigglers: typeof softwareJigglerCatalogSchema;
  commonPrograms: typeof commonProgramsCatalogSchema;
  ipkvm: typeof ipkvmCatalogSchema;
  hardwareJigglers: typeof hardwareJigglerCatalogSchema;
  virtualDisplays: typeof virtualDisplayCatalogSchema;
  virtualInputDevices: typeof virtualInputCatalogSchema;
  kvmMacPrefixes: typeof macPrefixCatalogSchema;
  kvmVirtualMedia: typeof virtualMediaCatalogSchema;
  countryZones: typeof countryZonesCatalogSchema;
  hostingAsns: typeof hostingAsnsCatalogSchema;
  relays: typeof relayCatalogSchema;
  attackTechniques: typeof attackTechniquesCatalogSchema;
}
export type CatalogData<N extends CatalogName> = z.output<CatalogSchemas[N]>;

/**
 * Reads one catalog by name in its compiled, build-validated form, from `dir` (a directory written by
 * compileCatalogDir) or the shipped dist/rules/catalogs/ (the one loader).
 */
export function loadCatalog<N extends CatalogName>(name: N, dir?: string | URL): CatalogData<N> {
  const { file, shape } = catalogFiles[name];
  return loadCatalogFile(file, shape, dir) as CatalogData<N>;
}
