import type { z } from 'zod';
import { loadCatalogFile } from './load.js';
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

/** Every catalog file under rules/catalogs/ with its schema (one module per catalog under schemas/). */
export const catalogFiles = {
  remoteAccess: { file: 'remote-access.json', schema: remoteAccessCatalogSchema },
  vpn: { file: 'vpn.json', schema: vpnCatalogSchema },
  softwareJigglers: { file: 'software-jigglers.json', schema: softwareJigglerCatalogSchema },
  commonPrograms: { file: 'common-programs.json', schema: commonProgramsCatalogSchema },
  ipkvm: { file: 'ipkvm.json', schema: ipkvmCatalogSchema },
  hardwareJigglers: { file: 'jigglers-hardware.json', schema: hardwareJigglerCatalogSchema },
  virtualDisplays: { file: 'virtual-displays.json', schema: virtualDisplayCatalogSchema },
  virtualInputDevices: { file: 'virtual-input-devices.json', schema: virtualInputCatalogSchema },
  kvmMacPrefixes: { file: 'kvm-mac-prefixes.json', schema: macPrefixCatalogSchema },
  kvmVirtualMedia: { file: 'kvm-virtual-media.json', schema: virtualMediaCatalogSchema },
  countryZones: { file: 'geo-country-zones.json', schema: countryZonesCatalogSchema },
  hostingAsns: { file: 'hosting-asns.json', schema: hostingAsnsCatalogSchema },
  relays: { file: 'relays.json', schema: relayCatalogSchema },
  attackTechniques: { file: 'attack-techniques.json', schema: attackTechniquesCatalogSchema },
} as const;

export type CatalogName = keyof typeof catalogFiles;
export type CatalogData<N extends CatalogName> = z.infer<(typeof catalogFiles)[N]['schema']>;

/** Reads and validates one catalog by name, from `dir` or the shipped rules/catalogs/ (the one loader). */
export function loadCatalog<N extends CatalogName>(name: N, dir?: string | URL): CatalogData<N> {
  const { file, schema } = catalogFiles[name];
  return loadCatalogFile(file, schema, dir) as CatalogData<N>;
}
