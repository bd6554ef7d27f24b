import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { packageRoot } from '../../common/version.js';

/** A catalog file that is missing, is not JSON or does not fit its schema: a packaging bug, named precisely. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/**
 * rules/catalogs/ under the package root: the one place catalog files are found, from source, from dist/ and in the
 * laptop bundle (whose embedded files sit under a virtual package root).
 */
export const catalogDir = (): string => join(packageRoot(), 'rules', 'catalogs');

/** Reads and validates one catalog file (from `dir`, else the shipped one); a bad file is a CatalogError naming the file and the field. */
export function loadCatalogFile<S extends z.ZodType>(file: string, schema: S, dir: string | URL = catalogDir()): z.infer<S> {
  const path = join(dir instanceof URL ? fileURLToPath(dir) : dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogError(`catalog ${path}: ${(err as Error).message}`);
  }
  return parseCatalog(path, raw, schema);
}

/** Validates a catalog already read; the first issues name their field path. */
export function parseCatalog<S extends z.ZodType>(label: string, raw: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CatalogError(`catalog ${label}: ${first.join('; ')}`);
  }
  return parsed.data;
}
