import { readFileSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import {
  ipkvmCatalogSchema, jigglerCatalogSchema, macPrefixCatalogSchema, virtualDisplayCatalogSchema, virtualMediaCatalogSchema,
  type IpkvmCatalog, type JigglerCatalog, type MacPrefixCatalog, type VirtualDisplayCatalog, type VirtualMediaCatalog,
} from './catalog-schema.js';

/** The hardware catalogs the device rules match against, validated. */
export interface DeviceCatalogs {
  ipkvm: IpkvmCatalog;
  jigglers: JigglerCatalog;
  virtualDisplays: VirtualDisplayCatalog;
  macPrefixes: MacPrefixCatalog;
  virtualMedia: VirtualMediaCatalog;
}

export const catalogFiles = {
  ipkvm: 'ipkvm.json',
  jigglers: 'jigglers-hardware.json',
  virtualDisplays: 'virtual-displays.json',
  macPrefixes: 'kvm-mac-prefixes.json',
  virtualMedia: 'kvm-virtual-media.json',
} as const;

/** A catalog file that is missing or does not fit its schema: a packaging bug, named precisely. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/**
 * rules/catalogs/ seen from this file: ../catalogs when run from source (tests),
 * ../../../rules/catalogs when run from dist/rules/device (the package ships rules/catalogs, see package.json files).
 */
const defaultDirs = [new URL('../catalogs/', import.meta.url), new URL('../../../rules/catalogs/', import.meta.url)];

function readCatalog<S extends z.ZodType>(dirs: readonly URL[], file: string, schema: S): z.infer<S> {
  let text: string | undefined;
  for (const dir of dirs) {
    try {
      text = readFileSync(new URL(file, dir), 'utf8');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (text === undefined) throw new CatalogError(`catalog ${file} not found in ${dirs.map((d) => fileURLToPath(d)).join(', ')}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CatalogError(`catalog ${file}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CatalogError(`catalog ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Reads and validates the five catalogs from a directory (or the shipped one). */
export function loadDeviceCatalogs(dir?: URL): DeviceCatalogs {
  const dirs = dir ? [dir] : defaultDirs;
  return {
    ipkvm: readCatalog(dirs, catalogFiles.ipkvm, ipkvmCatalogSchema),
    jigglers: readCatalog(dirs, catalogFiles.jigglers, jigglerCatalogSchema),
    virtualDisplays: readCatalog(dirs, catalogFiles.virtualDisplays, virtualDisplayCatalogSchema),
    macPrefixes: readCatalog(dirs, catalogFiles.macPrefixes, macPrefixCatalogSchema),
    virtualMedia: readCatalog(dirs, catalogFiles.virtualMedia, virtualMediaCatalogSchema),
  };
}

let cached: DeviceCatalogs | undefined;

/** The shipped catalogs read ahead of the first evaluation, one file per turn of the event loop (the daemon's start). */
export async function prepareDeviceCatalogs(): Promise<DeviceCatalogs> {
  if (cached) return cached;
  const read = <S extends z.ZodType>(file: string, schema: S) => readCatalog(defaultDirs, file, schema);
  const ipkvm = read(catalogFiles.ipkvm, ipkvmCatalogSchema);
  await yieldToLoop();
  const jigglers = read(catalogFiles.jigglers, jigglerCatalogSchema);
  await yieldToLoop();
  const virtualDisplays = read(catalogFiles.virtualDisplays, virtualDisplayCatalogSchema);
  await yieldToLoop();
  const macPrefixes = read(catalogFiles.macPrefixes, macPrefixCatalogSchema);
  const virtualMedia = read(catalogFiles.virtualMedia, virtualMediaCatalogSchema);
  cached ??= { ipkvm, jigglers, virtualDisplays, macPrefixes, virtualMedia };
  return cached;
}

/** The shipped catalogs, read once on first use (not at import time), then kept. */
export function deviceCatalogs(): DeviceCatalogs {
  cached ??= loadDeviceCatalogs();
  return cached;
}
