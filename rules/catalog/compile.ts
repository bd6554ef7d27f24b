import type { Process } from '../../schema/snapshot/processes.js';
import type { SoftwareItem } from '../../schema/snapshot/software.js';
import { NameIndex, PathIndex, type NameHit } from './name-index.js';
import { basename, normaliseName } from './normalise.js';
import type { CatalogName } from './schemas/software-entry.js';
import { nameFactAt, type CatalogNameFacts } from './name-facts.js';
import { nameStrengths } from './strength.js';

/** How a fact was matched, for the evidence. */
export type MatchedBy = 'name' | 'exe' | 'argv0' | 'comm' | 'script' | 'path' | 'bundleId' | 'unit';

export interface CatalogHit extends NameHit {
  by: MatchedBy;
  /** The observed value that matched (process name, exe path, bundle id, ...). */
  value: string;
}

export interface CatalogEntry {
  id: string;
  vendor: string;
  names: readonly CatalogName[];
  bundleIds: readonly string[];
  paths: readonly { path: string; uncertain?: boolean | undefined }[];
}

// When the executable is an interpreter, the program is its first argument (Chrome Remote Desktop's Linux host is a Python script).
const interpreters = new Set(['python', 'python2', 'python3', 'perl', 'node', 'bash', 'sh', 'java', 'mono', 'ruby']);

interface ProcessKey {
  by: MatchedBy;
  value: string;
  key: string;
}

// The same snapshot is matched against several catalogs: normalise each process's names once.
const keysMemo = new WeakMap<Process, ProcessKey[]>();

function processKeys(p: Process): ProcessKey[] {
  const cached = keysMemo.get(p);
  if (cached) return cached;
  const out: ProcessKey[] = [];
  const seen = new Set<string>();
  const add = (by: MatchedBy, value: string | undefined): void => {
    if (!value) return;
    const key = by === 'comm' ? value.trim().toLowerCase() : normaliseName(value);
    const seenKey = by === 'comm' ? `comm:${key}` : key;
    if (key === '' || seen.has(seenKey)) return;
    seen.add(seenKey);
    out.push({ by, value, key });
  };
  add('name', p.name);
  if (p.exe) add('exe', p.exe);
  const argv0 = p.cmdline?.[0];
  if (argv0) add('argv0', argv0);
  if (p.comm) add('comm', p.comm);
  const exeBase = normaliseName(p.exe ?? argv0 ?? p.name).replace(/[\d.]+$/, '');
  if (interpreters.has(exeBase)) {
    const script = p.cmdline?.slice(1).find((a) => !a.startsWith('-'));
    if (script) add('script', basename(script));
  }
  keysMemo.set(p, out);
  return out;
}

// The same, for software items (hundreds of packages, matched against each catalog).
const softwareMemo = new WeakMap<SoftwareItem, { key: string; base: string | undefined }>();

function softwareKeys(item: SoftwareItem): { key: string; base: string | undefined } {
  let keys = softwareMemo.get(item);
  if (!keys) {
    keys = { key: normaliseName(item.name), base: item.path ? normaliseName(item.path) : undefined };
    softwareMemo.set(item, keys);
  }
  return keys;
}

/** A catalog compiled once: names, bundle ids and install paths in Maps; matchers for processes and software items. */
export class CompiledCatalog<E extends CatalogEntry> {
  readonly byId: ReadonlyMap<string, E>;
  private readonly names = new NameIndex();
  private readonly bundles = new Map<string, NameHit>();
  private readonly paths = new PathIndex();

  /**
   * `common`: normalised names of common OS and application programs (a catalogued name among them is weak).
   * `facts`: each name's key and strength as the build worked them out (name-facts.ts), one per name in order.
   */
  constructor(readonly entries: readonly E[], common: ReadonlySet<string> = new Set(), facts?: CatalogNameFacts) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const strengthOf = facts ? undefined : nameStrengths(entries, common);
    let i = 0;
    for (const e of entries) {
      for (const n of e.names) {
        const fact = facts ? nameFactAt(facts, i++) : undefined;
        const { strength, common: isCommon } = fact ?? strengthOf!(n.name);
        this.names.add(e.id, n.name, strength, n.uncertain ?? false, n.os, n.kind, isCommon, fact?.key);
      }
      for (const b of e.bundleIds) this.bundles.set(b.toLowerCase(), { id: e.id, name: b, strength: 'strong', unique: true, uncertain: false, catalogued: 'bundleId' });
      for (const p of e.paths) this.paths.add(e.id, p.path, p.uncertain ?? false);
    }
    this.names.seal();
  }

  lookupName(raw: string): NameHit[] {
    return this.names.lookup(raw);
  }

  /** A process by its name, exe basename, argv[0] basename, /proc comm (15-char cut), script of an interpreter, and exe path. */
  matchProcess(p: Process): CatalogHit[] {
    const out: CatalogHit[] = [];
    for (const c of processKeys(p)) {
      const hits = c.by === 'comm' ? this.names.lookupComm(c.key) : this.names.lookupKey(c.key);
      for (const h of hits) out.push({ ...h, by: c.by, value: c.value });
    }
    if (p.exe) for (const h of this.paths.lookup(p.exe)) out.push({ ...h, by: 'path', value: p.exe });
    return out;
  }

  /** An installed package, app bundle, service or unit: by name (systemd instance "x@y" also as "x@"), bundle id and path. */
  matchSoftware(item: SoftwareItem): CatalogHit[] {
    const out: CatalogHit[] = [];
    const { key, base } = softwareKeys(item);
    for (const h of this.names.lookupKey(key)) out.push({ ...h, by: 'name', value: item.name });
    const at = key.indexOf('@');
    if (at > 0) {
      for (const h of this.names.lookupKey(key.slice(0, at + 1))) out.push({ ...h, by: 'unit', value: item.name });
      for (const h of this.names.lookupKey(key.slice(0, at))) out.push({ ...h, by: 'unit', value: item.name });
    }
    const bundleKeys = [item.bundleId, item.source === 'launchd' ? item.name : undefined];
    for (const b of bundleKeys) {
      const h = b ? this.bundles.get(b.toLowerCase()) : undefined;
      if (h) out.push({ ...h, by: 'bundleId', value: b as string });
    }
    if (item.path && base !== undefined) {
      if (base !== key) for (const h of this.names.lookupKey(base)) out.push({ ...h, by: 'path', value: item.path });
      for (const h of this.paths.lookup(item.path)) out.push({ ...h, by: 'path', value: item.path });
    }
    return out;
  }
}

/** Interface names (VPN tunnels): exact Map plus a few globs such as "zt*". */
export class InterfaceIndex {
  private readonly index = new NameIndex();
  constructor(entries: readonly { id: string; interfaces: readonly { name: string; strength: 'strong' | 'weak'; uncertain?: boolean | undefined }[] }[]) {
    for (const e of entries) for (const i of e.interfaces) this.index.add(e.id, i.name, i.strength, i.uncertain ?? false);
    this.index.seal();
  }
  lookup(name: string): NameHit[] {
    return this.index.lookupKey(name.trim().toLowerCase());
  }
}
