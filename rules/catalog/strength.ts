import { isGlob, normaliseName } from './normalise.js';

/**
 * A catalogued name is weak when it collides: it is also the name of a common OS or application program
 * (rules/catalogs/common-programs.json), a name another vendor's catalogued tool lists too, or a wildcard.
 * Otherwise it is strong, whatever its length: "rd" names nothing else, "parsecd" names Apple's Siri daemon too.
 * Computed once when a catalog is compiled, so no catalog file marks strength by hand.
 */
export type Strength = 'strong' | 'weak';

/** A name's strength, and whether it is weak because ordinary software has the name (then it is a fact about that software). */
export interface NameStrength {
  strength: Strength;
  common: boolean;
}

export interface NamedEntry {
  id: string;
  vendor: string;
  names: readonly { name: string }[];
}

/** Normalised keys of the common programs' names (the same normalisation the matchers use). */
export function commonProgramKeys(programs: readonly { name: string }[]): Set<string> {
  const keys = new Set<string>();
  for (const p of programs) {
    const key = normaliseName(p.name);
    if (key !== '') keys.add(key);
  }
  return keys;
}

/** The strength of every name of a catalog: a function of the normalised name, for the compiler to ask. */
export function nameStrengths(entries: readonly NamedEntry[], common: ReadonlySet<string>): (name: string) => NameStrength {
  const vendorsOf = new Map<string, Set<string>>();
  for (const e of entries) {
    for (const n of e.names) {
      const key = normaliseName(n.name);
      let vendors = vendorsOf.get(key);
      if (!vendors) vendorsOf.set(key, (vendors = new Set()));
      // Entries of one vendor (LOLRMM lists some tools twice) are one tool, not a collision.
      vendors.add(e.vendor.trim().toLowerCase());
    }
  }
  return (name) => {
    const key = normaliseName(name);
    if (common.has(key)) return { strength: 'weak', common: true };
    if (key === '' || isGlob(key) || (vendorsOf.get(key)?.size ?? 0) > 1) return { strength: 'weak', common: false };
    return { strength: 'strong', common: false };
  };
}
