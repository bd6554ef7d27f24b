/**
 * The catalogs checked at build time: validates rules/catalogs/*.json with their schemas and writes the parsed form to
 * dist/rules/catalogs/, which every command then reads without loading zod. Run by `npm run build`, `prepare` (npm ci)
 * and the laptop bundle's build; a bad catalog fails the build with the file and the field.
 *   node dist/scripts/package/compile-catalogs.js
 */
import { compileCatalogDir } from '../../rules/catalog/build.js';
import { catalogDir, compiledCatalogDir } from '../../rules/catalog/load.js';

try {
  compileCatalogDir(catalogDir(), compiledCatalogDir());
} catch (err) {
  process.stderr.write(`compile-catalogs: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
