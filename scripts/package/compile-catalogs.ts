/**
 * The catalogs checked at build time: validates rules/catalogs/*.json with their schemas and writes the parsed form to
 * dist/rules/catalogs/, which every command then reads without loading zod. Run by `npm run build`, `prepare` (npm ci)
 * and the laptop bundle's build; a bad catalog fails the build with the file and the field. Also records this Node's
 * Intl answers for the locale collector (dist/collectors/locale/intl-facts.json, collectors/locale/intl-facts.ts).
 *   node dist/scripts/package/compile-catalogs.js
 */
import { writeIntlFacts } from '../../collectors/locale/intl-facts-build.js';
import { compileCatalogDir } from '../../rules/catalog/build.js';
import { catalogDir, compiledCatalogDir } from '../../rules/catalog/load.js';

try {
  compileCatalogDir(catalogDir(), compiledCatalogDir());
  // Also the build's other recorded data: how this Node's Intl names zones and locales (the locale collector's).
  writeIntlFacts();
} catch (err) {
  process.stderr.write(`compile-catalogs: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
