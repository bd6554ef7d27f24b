import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledCatalogDir } from './load.js';
import { normaliseName } from './normalise.js';
import { commonProgramKeys, nameStrengths, type NamedEntry, type NameStrength } from './strength.js';

/**
 * What compiling a software catalog works out for each of its names (the normalised key, its strength, whether a
 * common program has it), worked out once by the build (compileCatalogDir) and written beside the compiled catalogs:
 * at ~1,900 names, ~10 ms of every command's start in V8's interpreter (docs/BENCHMARKS.md, CLI).
 */
/**
 * One catalog's names, entries in order and each entry's names in order: the normalised key of each, and its kind in
 * one character each: "s" strong, "w" weak, "c" weak because a common program has the name. (Arrays of strings: the
 * cheapest JSON to parse.)
 */
export interface CatalogNameFacts {
  keys: string[];
  kinds: string;
}

/** The software catalogs whose names the compiler indexes, in the order of their entries and names. */
export interface NamedCatalogs {
  remoteAccess: readonly NamedEntry[];
  vpn: readonly NamedEntry[];
  softwareJigglers: readonly NamedEntry[];
  commonPrograms: readonly { name: string }[];
}

export interface NameFacts {
  commonKeys: string[];
  remoteAccess: CatalogNameFacts;
  vpn: CatalogNameFacts;
  softwareJigglers: CatalogNameFacts;
}

/** The i-th name's strength and commonness. */
export function nameFactAt(facts: CatalogNameFacts, i: number): NameStrength & { key: string } {
  const kind = facts.kinds[i];
  return { key: facts.keys[i]!, strength: kind === 's' ? 'strong' : 'weak', common: kind === 'c' };
}

export const nameFactsFile = 'name-facts.json';

function factsOf(entries: readonly NamedEntry[], common: ReadonlySet<string>): CatalogNameFacts {
  const strengthOf = nameStrengths(entries, common);
  const keys: string[] = [];
  let kinds = '';
  for (const e of entries) {
    for (const n of e.names) {
      const s = strengthOf(n.name);
      keys.push(normaliseName(n.name));
      kinds += s.common ? 'c' : s.strength === 'strong' ? 's' : 'w';
    }
  }
  return { keys, kinds };
}

/** The facts of every name, as the compiler would work them out (the build's step; also the fallback). */
export function computeNameFacts(c: NamedCatalogs): NameFacts {
  const common = commonProgramKeys(c.commonPrograms);
  return {
    commonKeys: [...common],
    remoteAccess: factsOf(c.remoteAccess, common),
    vpn: factsOf(c.vpn, common),
    softwareJigglers: factsOf(c.softwareJigglers, common),
  };
}

/**
 * The facts written beside the compiled catalogs of `dir`, when they are there and fit these catalogs (one fact per
 * name); else undefined, and the compiler works them out.
 */
export function readNameFacts(c: NamedCatalogs, dir: string | URL = compiledCatalogDir()): NameFacts | undefined {
  try {
    const raw = JSON.parse(readFileSync(join(dir instanceof URL ? fileURLToPath(dir) : dir, nameFactsFile), 'utf8')) as Partial<NameFacts>;
    // One fact per name, and the first and last names' keys theirs: a cheap guard against facts of other catalogs.
    const fits = (facts: Partial<CatalogNameFacts> | undefined, entries: readonly NamedEntry[]) => {
      if (!Array.isArray(facts?.keys) || typeof facts.kinds !== 'string') return false;
      const names = entries.flatMap((e) => e.names);
      if (facts.keys.length !== names.length || facts.kinds.length !== names.length) return false;
      return names.length === 0 || (facts.keys[0] === normaliseName(names[0]!.name) && facts.keys.at(-1) === normaliseName(names.at(-1)!.name));
    };
    if (!Array.isArray(raw.commonKeys) || !fits(raw.remoteAccess, c.remoteAccess) || !fits(raw.vpn, c.vpn) || !fits(raw.softwareJigglers, c.softwareJigglers)) return undefined;
    return raw as NameFacts;
  } catch {
    return undefined;
  }
}
