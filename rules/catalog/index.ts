import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { z } from 'zod';
import { CompiledCatalog, InterfaceIndex } from './compile.js';
import { loadCatalogFile } from './load.js';
import { commonProgramKeys } from './strength.js';
import {
  commonProgramsCatalogSchema, jigglerCatalogSchema, remoteAccessCatalogSchema, vpnCatalogSchema,
  type PortRange, type RemoteTool, type SoftwareJiggler, type VpnClient,
} from './schema.js';

export interface Catalogs {
  remoteAccess: CompiledCatalog<RemoteTool>;
  /** Ports ordinary software shares (never evidence without a catalogued owner). */
  commonPorts: ReadonlySet<number>;
  /** Ports used only for remote control. */
  remoteControlPorts: readonly PortRange[];
  vpn: CompiledCatalog<VpnClient>;
  vpnInterfaces: InterfaceIndex;
  jigglers: CompiledCatalog<SoftwareJiggler>;
}

let cached: Catalogs | undefined;

/** Loads, validates and compiles every catalog once (a bad file throws CatalogError at the first call). */
export function catalogs(): Catalogs {
  cached ??= compileCatalogs();
  return cached;
}

/**
 * The same, ahead of the first evaluation and one step per turn of the event loop (the daemon's start): the remote-access
 * catalog alone costs ~15–20 ms to validate, and the three in one go held the loop for ~30 ms of the first cycle.
 */
export async function prepareCatalogs(): Promise<Catalogs> {
  if (cached) return cached;
  const ra = loadCatalogFile('remote-access.json', remoteAccessCatalogSchema);
  await yieldToLoop();
  const vpn = loadCatalogFile('vpn.json', vpnCatalogSchema);
  await yieldToLoop();
  const jig = loadCatalogFile('software-jigglers.json', jigglerCatalogSchema);
  await yieldToLoop();
  const common = loadCatalogFile('common-programs.json', commonProgramsCatalogSchema);
  await yieldToLoop();
  cached ??= compiled(ra, vpn, jig, common);
  return cached;
}

export function compileCatalogs(dir?: string): Catalogs {
  const ra = loadCatalogFile('remote-access.json', remoteAccessCatalogSchema, dir);
  const vpn = loadCatalogFile('vpn.json', vpnCatalogSchema, dir);
  const jig = loadCatalogFile('software-jigglers.json', jigglerCatalogSchema, dir);
  const common = loadCatalogFile('common-programs.json', commonProgramsCatalogSchema, dir);
  return compiled(ra, vpn, jig, common);
}

function compiled(
  ra: z.infer<typeof remoteAccessCatalogSchema>,
  vpn: z.infer<typeof vpnCatalogSchema>,
  jig: z.infer<typeof jigglerCatalogSchema>,
  common: z.infer<typeof commonProgramsCatalogSchema>,
): Catalogs {
  const commonNames = commonProgramKeys(common.programs);
  return {
    remoteAccess: new CompiledCatalog(ra.tools, commonNames),
    commonPorts: new Set(ra.commonPorts),
    remoteControlPorts: ra.remoteControlPorts,
    vpn: new CompiledCatalog(vpn.vpns, commonNames),
    vpnInterfaces: new InterfaceIndex(vpn.vpns),
    jigglers: new CompiledCatalog(jig.tools, commonNames),
  };
}

export function remoteControlPortRange(port: number, ranges: readonly PortRange[]): PortRange | undefined {
  return ranges.find((r) => port >= r.from && port <= r.to);
}

export { CatalogError } from './load.js';
export type { CatalogHit, MatchedBy } from './compile.js';
export type { RemoteTool, VpnClient, SoftwareJiggler, PortRange, ToolCategory } from './schema.js';
