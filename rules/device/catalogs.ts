import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { loadCatalog } from '../catalog/files.js';
import type { IpkvmCatalog } from '../catalog/schemas/ipkvm.js';
import type { HardwareJigglerCatalog } from '../catalog/schemas/jigglers-hardware.js';
import type { MacPrefixCatalog } from '../catalog/schemas/kvm-mac-prefixes.js';
import type { VirtualDisplayCatalog } from '../catalog/schemas/virtual-displays.js';
import type { VirtualMediaCatalog } from '../catalog/schemas/kvm-virtual-media.js';

/** The hardware catalogs the device rules match against, validated. */
export interface DeviceCatalogs {
  ipkvm: IpkvmCatalog;
  jigglers: HardwareJigglerCatalog;
  virtualDisplays: VirtualDisplayCatalog;
  macPrefixes: MacPrefixCatalog;
  virtualMedia: VirtualMediaCatalog;
}

/** Reads and validates the four hardware catalogs from a directory (tests) or the shipped one. */
export function loadDeviceCatalogs(dir?: string | URL): DeviceCatalogs {
  return {
    ipkvm: loadCatalog('ipkvm', dir),
    jigglers: loadCatalog('hardwareJigglers', dir),
    virtualDisplays: loadCatalog('virtualDisplays', dir),
    macPrefixes: loadCatalog('kvmMacPrefixes', dir),
    virtualMedia: loadCatalog('kvmVirtualMedia', dir),
  };
}

let cached: DeviceCatalogs | undefined;

/** The shipped catalogs read ahead of the first evaluation, one file per turn of the event loop (the daemon's start). */
export async function prepareDeviceCatalogs(): Promise<DeviceCatalogs> {
  if (cached) return cached;
  const ipkvm = loadCatalog('ipkvm');
  await yieldToLoop();
  const jigglers = loadCatalog('hardwareJigglers');
  await yieldToLoop();
  const virtualDisplays = loadCatalog('virtualDisplays');
  await yieldToLoop();
  const macPrefixes = loadCatalog('kvmMacPrefixes');
  const virtualMedia = loadCatalog('kvmVirtualMedia');
  cached ??= { ipkvm, jigglers, virtualDisplays, macPrefixes, virtualMedia };
  return cached;
}

/** The shipped catalogs, read once on first use (not at import time), then kept. */
export function deviceCatalogs(): DeviceCatalogs {
  cached ??= loadDeviceCatalogs();
  return cached;
}
