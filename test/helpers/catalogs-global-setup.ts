import { compileCatalogDir } from '../../rules/catalog/build.js';
import { catalogDir, compiledCatalogDir } from '../../rules/catalog/load.js';

/**
 * vitest globalSetup: the runtime reads the catalogs compiled by the build (dist/rules/catalogs/); the tests compile
 * them from the sources first, so that they never run against a stale copy.
 */
export function setup(): void {
  compileCatalogDir(catalogDir(), compiledCatalogDir());
}
