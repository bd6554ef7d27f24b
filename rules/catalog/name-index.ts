import { COMM_LENGTH, globToRegExp, isGlob, normaliseName, normalisePath } from './normalise.js';

/** One catalogued name that a looked-up name matched. */
export interface NameHit {
  /** Catalog entry id. */
  id: string;
  /** The name as catalogued (e.g. "AnyDesk.exe"). */
  name: string;
  strength: 'strong' | 'weak';
  /**
   * The entry's spellings of this name per OS ("anydesk.exe" on win32, "anydesk" on linux): one key holds them all,
   * and evidence should show the one of the snapshot's platform (spelledFor), not whichever was catalogued first.
   */
  spellings?: Partial<Record<string, Spelling[]>>;
  /** True when no other entry lists this name: two names of one entry confirm each other only if one is unique. */
  unique: boolean;
  uncertain: boolean;
  /** The name is also a common OS or application program's: a fact about that program, never a confirmation. */
  common?: boolean;
  /** What matched when not a catalogued name: an install path or a bundle id (facts independent of the names). */
  catalogued?: 'path' | 'bundleId';
}

/** One catalogued spelling: the name as listed, and what it names (a process, a service, a package, an app). */
export interface Spelling {
  name: string;
  kind?: string | undefined;
}

interface Pattern {
  re: RegExp;
  hit: NameHit;
}

const PREFIX = 3;

/**
 * Names compiled once into Maps keyed by the normalised name: exact names, the 15-character /proc comm cut of
 * names at least that long, and wildcard patterns bucketed by their first literal characters (so a lookup tests
 * only the few patterns that could match).
 */
export class NameIndex {
  private readonly exact = new Map<string, NameHit[]>();
  private readonly comm = new Map<string, NameHit[]>();
  private readonly patterns = new Map<string, Pattern[]>();
  private readonly loosePatterns: Pattern[] = [];

  /** `key`: normaliseName(name), when the caller has it already (the build's name facts). */
  add(entryId: string, name: string, strength: 'strong' | 'weak', uncertain = false, os?: string, kind?: string, common = false, key = normaliseName(name)): void {
    if (key === '') return;
    const glob = isGlob(key);
    // Built field by field in the order the spread form had (no temporary objects: ~1,300 names per start).
    const hit: NameHit = { id: entryId, name, strength: glob ? 'weak' : strength, unique: true, uncertain };
    if (common) hit.common = common;
    if (os) hit.spellings = { [os]: [{ name, kind }] };
    if (glob) {
      const literal = key.slice(0, key.search(/[*?]/));
      const pattern = { re: globToRegExp(key), hit };
      if (literal.length >= PREFIX) push(this.patterns, literal.slice(0, PREFIX), pattern);
      else this.loosePatterns.push(pattern);
      return;
    }
    const list = this.exact.get(key);
    if (list?.some((h) => h.id === entryId)) {
      // Same name twice in one entry (e.g. process and service): keep the stronger reading.
      const same = list.find((h) => h.id === entryId);
      if (same && strength === 'strong') same.strength = 'strong';
      if (same && os) {
        same.spellings ??= {};
        (same.spellings[os] ??= []).push({ name, kind });
      }
      return;
    }
    push(this.exact, key, hit);
    if (key.length > COMM_LENGTH) push(this.comm, key.slice(0, COMM_LENGTH), hit);
  }

  /** Marks names listed by several entries as not unique; call once after the last add(). */
  seal(): this {
    for (const hits of this.exact.values()) {
      const first = hits[0]!.id;
      if (hits.length > 1 && hits.some((h) => h.id !== first)) for (const h of hits) h.unique = false;
    }
    return this;
  }

  /** Hits for a raw name (any case, path or .exe allowed). */
  lookup(raw: string): NameHit[] {
    return this.lookupKey(normaliseName(raw));
  }

  lookupKey(key: string): NameHit[] {
    if (key === '') return [];
    const exact = this.exact.get(key);
    const bucket = key.length >= PREFIX ? this.patterns.get(key.slice(0, PREFIX)) : undefined;
    if (!bucket && this.loosePatterns.length === 0) return exact ?? [];
    const out = exact ? [...exact] : [];
    if (bucket) for (const p of bucket) if (p.re.test(key)) out.push(p.hit);
    for (const p of this.loosePatterns) if (p.re.test(key)) out.push(p.hit);
    return out;
  }

  /** A /proc comm: exact, or — when it is exactly 15 characters — the cut of a longer catalogued name. */
  lookupComm(comm: string): NameHit[] {
    const key = comm.trim().toLowerCase();
    const exact = this.lookupKey(key);
    if (key.length !== COMM_LENGTH) return exact;
    const cut = this.comm.get(key);
    return cut ? [...exact, ...cut] : exact;
  }
}

/** Install paths: exact directories in a Map (a lookup walks the ancestors of a path), globbed ones as a short list. */
export class PathIndex {
  private readonly dirs = new Map<string, NameHit[]>();
  private readonly globs: Pattern[] = [];

  add(entryId: string, path: string, uncertain = false): void {
    const p = normalisePath(path);
    const hit: NameHit = { id: entryId, name: path, strength: uncertain ? 'weak' : 'strong', unique: true, uncertain, catalogued: 'path' };
    if (isGlob(p)) this.globs.push({ re: new RegExp(`${globToRegExp(p).source.slice(0, -1)}(?:/|$)`), hit });
    else push(this.dirs, p, hit);
  }

  /** Entries whose install directory holds this path (the path itself or any ancestor). */
  lookup(raw: string): NameHit[] {
    if (this.dirs.size === 0 && this.globs.length === 0) return []; // a catalog without install paths
    let p = normalisePath(raw);
    const out: NameHit[] = [];
    for (let i = 0; i < 12 && p.length > 0; i++) {
      const hits = this.dirs.get(p);
      if (hits) out.push(...hits);
      const slash = p.lastIndexOf('/');
      if (slash <= 0) break;
      p = p.slice(0, slash);
    }
    if (this.globs.length > 0) {
      const full = normalisePath(raw);
      for (const g of this.globs) if (g.re.test(full)) out.push(g.hit);
    }
    return out;
  }
}

/**
 * The catalogued spelling a hit stands for on this platform: of a process name for a process, of a service, package
 * or app for installed software; else any spelling of the platform, of "any" OS, else the first catalogued.
 */
export function spelledFor(hit: Pick<NameHit, 'name' | 'spellings'>, platform: string, what: 'process' | 'software'): string {
  const list = hit.spellings?.[platform] ?? hit.spellings?.['any'];
  if (!list?.length) return hit.name;
  const fits = list.find((s) => (what === 'process' ? s.kind === 'process' : s.kind !== 'process'));
  return (fits ?? list[0]!).name;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
