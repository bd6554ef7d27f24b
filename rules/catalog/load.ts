import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { packageRoot } from '../../common/version.js';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/** Reads and validates one catalog file; a bad file is a clear error naming the file and the field. */
export function loadCatalogFile<S extends z.ZodType>(file: string, schema: S, dir = join(packageRoot(), 'rules', 'catalogs')): z.infer<S> {
  const path = join(dir, file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CatalogError(`catalog ${path}: ${(err as Error).message}`);
  }
  return parseCatalog(path, raw, schema);
}

export function parseCatalog<S extends z.ZodType>(label: string, raw: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CatalogError(`catalog ${label} is invalid: ${first.join('; ')}`);
  }
  return parsed.data;
}
