import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CompiledCatalog, InterfaceIndex } from './compile.js';
import { loadCatalog, type CatalogData } from './files.js';
import { computeNameFacts, readNameFacts } from './name-facts.js';
import type { PortRange, RemoteTool } from './schemas/remote-access.js';
import type { SoftwareJiggler } from './schemas/software-jigglers.js';
import type { VpnClient } from './schemas/vpn.js';

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
  const ra = loadCatalog('remoteAccess');
  await yieldToLoop();
  const vpn = loadCatalog('vpn');
  await yieldToLoop();
  const jig = loadCatalog('softwareJigglers');
  await yieldToLoop();
  const common = loadCatalog('commonPrograms');
  await yieldToLoop();
  cached ??= compiled(ra, vpn, jig, common);
  return cached;
}

/** Loads and compiles the software catalogs from `dir` (compiled by compileCatalogDir: tests, benchmarks) or the shipped ones. */
export function compileCatalogs(dir?: string | URL): Catalogs {
  const ra = loadCatalog('remoteAccess', dir);
  const vpn = loadCatalog('vpn', dir);
  const jig = loadCatalog('softwareJigglers', dir);
  const common = loadCatalog('commonPrograms', dir);
  return compiled(ra, vpn, jig, common, dir);
}

function compiled(
  ra: CatalogData<'remoteAccess'>,
  vpn: CatalogData<'vpn'>,
  jig: CatalogData<'softwareJigglers'>,
  common: CatalogData<'commonPrograms'>,
  dir?: string | URL,
): Catalogs {
  const named = { remoteAccess: ra.tools, vpn: vpn.vpns, softwareJigglers: jig.tools, commonPrograms: common.programs };
  // The build's name facts when they are there (name-facts.ts); else the same worked out here.
  const facts = readNameFacts(named, dir) ?? computeNameFacts(named);
  const commonNames = new Set(facts.commonKeys);
  return {
    remoteAccess: new CompiledCatalog(ra.tools, commonNames, facts.remoteAccess),
    commonPorts: new Set(ra.commonPorts),
    remoteControlPorts: ra.remoteControlPorts,
    vpn: new CompiledCatalog(vpn.vpns, commonNames, facts.vpn),
    vpnInterfaces: new InterfaceIndex(vpn.vpns),
    jigglers: new CompiledCatalog(jig.tools, commonNames, facts.softwareJigglers),
  };
}

export function remoteControlPortRange(port: number, ranges: readonly PortRange[]): PortRange | undefined {
  return ranges.find((r) => port >= r.from && port <= r.to);
}

export { CatalogError } from './load.js';
export type { CatalogHit, MatchedBy } from './compile.js';
export type { PortRange, RemoteTool, ToolCategory } from './schemas/remote-access.js';
export type { SoftwareJiggler } from './schemas/software-jigglers.js';
export type { VpnClient } from './schemas/vpn.js';
export { catalogDir, compiledCatalogDir, loadCatalogFile } from './load.js';
export { catalogFiles, loadCatalog, type CatalogData, type CatalogName } from './files.js';
