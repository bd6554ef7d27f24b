import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../common/version.js';

/** A catalog file that is missing, is not JSON or does not fit its schema: a packaging bug, named precisely. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/**
 * rules/catalogs/ under the package root: the catalog sources, as edited and reviewed. They are validated with their
 * schemas at build time (rules/catalog/build.ts), never on a command's start.
 */
export const catalogDir = (): string => join(packageRoot(), 'rules', 'catalogs');

/**
 * dist/rules/catalogs/ under the package root: the same catalogs, validated and in their parsed form (defaults filled,
 * transforms applied), written by the build. The one place the runtime reads them: from source, from dist/ and in the
 * laptop bundle (whose embedded files sit under a virtual package root).
 */
export const compiledCatalogDir = (): string => join(packageRoot(), 'dist', 'rules', 'catalogs');

/** What a compiled catalog must have at its top level: a cheap guard against a corrupt or foreign file. */
export interface CatalogShape {
  arrays: readonly string[];
  objects?: readonly string[];
}

/**
 * Reads one compiled catalog (from `dir`, else the shipped one). Its content was checked by the build; this checks only
 * its shape, so that a corrupt or hand-edited file is a CatalogError naming the file, never a crash in a rule.
 */
export function loadCatalogFile(file: string, shape: CatalogShape, dir: string | URL = compiledCatalogDir()): unknown {
  const path = join(dir instanceof URL ? fileURLToPath(dir) : dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const hint = (err as NodeJS.ErrnoException).code === 'ENOENT' && dir === compiledCatalogDir() ? ' (the build compiles the catalogs: npm run build)' : '';
    throw new CatalogError(`catalog ${path}: ${(err as Error).message}${hint}`);
  }
  const wrong = shapeProblem(raw, shape);
  if (wrong) throw new CatalogError(`catalog ${path}: ${wrong}`);
  return raw;
}

function shapeProblem(raw: unknown, shape: CatalogShape): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return '(root): expected an object';
  const o = raw as Record<string, unknown>;
  for (const k of shape.arrays) if (!Array.isArray(o[k])) return `${k}: expected an array`;
  for (const k of shape.objects ?? []) {
    const v = o[k];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${k}: expected an object`;
  }
  return undefined;
}
