import { loadCatalog } from './files.js';
import { CatalogError } from './load.js';

export interface Technique {
  id: string;
  name: string;
  tactics: readonly { id: string; name: string }[];
}

let catalog: { version: string; byId: Map<string, Technique> } | undefined;

function load() {
  if (catalog) return catalog;
  const raw = loadCatalog('attackTechniques');
  const byId = new Map<string, Technique>();
  for (const t of raw.techniques) {
    const tactics = t.tactics.map((id) => {
      const name = raw.tactics[id];
      if (!name) throw new CatalogError(`catalog attack-techniques.json: technique ${t.id} names tactic ${id}, which "tactics" does not list: add it`);
      return { id, name };
    });
    byId.set(t.id, { id: t.id, name: t.name, tactics });
  }
  catalog = { version: raw.attackVersion, byId };
  return catalog;
}

/** The ATT&CK technique (or sub-technique) of this id from rules/catalogs/attack-techniques.json; undefined if not listed. */
export const attackTechnique = (id: string): Technique | undefined => load().byId.get(id);

/** The ATT&CK Enterprise release the catalog's names follow. */
export const attackVersion = (): string => load().version;
