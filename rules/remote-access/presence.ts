import type { Snapshot } from '../../schema/snapshot/index.js';
import type { CatalogHit, Catalogs, RemoteTool, ToolCategory } from '../catalog/index.js';
import { catalogs } from '../catalog/index.js';
import type { CatalogEntry, CompiledCatalog } from '../catalog/compile.js';
import { spelledFor } from '../catalog/name-index.js';
import { normaliseName } from '../catalog/normalise.js';

/** Categories that let someone else control this machine; clients, file sync, mesh VPNs and admin tools do not. */
export const controlConfidence: Partial<Record<ToolCategory, number>> = {
  'remote-desktop': 0.9, 'remote-support': 0.85, rat: 0.95, tunnel: 0.6, rmm: 0.5, 'input-sharing': 0.4,
};

export interface Fact {
  hit: CatalogHit;
  where: 'process' | 'software';
  pid?: number;
  /** False for a second hit on the same process or item (kept for confirmation, left out of the evidence). */
  primary: boolean;
  evidence: Record<string, unknown>;
}

/** The evidence of the primary facts, at most `max`. */
export function evidenceOf(list: readonly Fact[], max = 10): Record<string, unknown>[] {
  return list.filter((f) => f.primary).slice(0, max).map((f) => f.evidence);
}

export interface EntryPresence<E> {
  entry: E;
  running: Fact[];
  installed: Fact[];
  /** A strong fact, or a weak one confirmed by an independent fact: a catalogued install path, a catalogued port or a second distinct name (a weak name never decides alone). */
  confirmed: boolean;
  /** Weak facts only, confirmed by another: lowers confidence. */
  weakOnly: boolean;
  pids: Set<number>;
}

/** Groups catalog hits of the snapshot's processes and software by entry, and decides which are confirmed. */
export function presenceOf<E extends CatalogEntry>(
  snapshot: Snapshot,
  catalog: CompiledCatalog<E>,
  portsOf: (e: E) => ReadonlySet<number> = () => new Set(),
): Map<string, EntryPresence<E>> {
  const out = new Map<string, EntryPresence<E>>();
  const get = (id: string): EntryPresence<E> | undefined => {
    let p = out.get(id);
    if (!p) {
      const entry = catalog.byId.get(id);
      if (!entry) return undefined;
      p = { entry, running: [], installed: [], confirmed: false, weakOnly: false, pids: new Set() };
      out.set(id, p);
    }
    return p;
  };
  for (const proc of snapshot.processes ?? []) {
    for (const hit of catalog.matchProcess(proc)) {
      const p = get(hit.id);
      if (!p) continue;
      const primary = !p.pids.has(proc.pid);
      p.pids.add(proc.pid);
      p.running.push({
        hit, where: 'process', pid: proc.pid, primary,
        evidence: { process: proc.name, pid: proc.pid, ...(proc.exe ? { exe: proc.exe } : {}), ...(proc.user ? { user: proc.user } : {}), matched: spelledFor(hit, snapshot.platform, 'process'), by: hit.by, ...(hit.by === 'script' ? { argument: hit.value } : {}) },
      });
    }
  }
  for (const item of snapshot.software?.items ?? []) {
    const seen = new Set<string>();
    for (const hit of catalog.matchSoftware(item)) {
      const p = get(hit.id);
      if (!p) continue;
      const primary = !seen.has(hit.id);
      seen.add(hit.id);
      p.installed.push({
        hit, where: 'software', primary,
        evidence: { software: item.name, source: item.source, ...(item.path ? { path: item.path } : {}), ...(item.bundleId ? { bundleId: item.bundleId } : {}), ...(item.version ? { version: item.version } : {}), matched: spelledFor(hit, snapshot.platform, 'software'), by: hit.by },
      });
    }
  }
  const sockets = snapshot.network?.connections ?? [];
  for (const p of out.values()) {
    const facts = [...p.running, ...p.installed];
    const strong = facts.some((f) => f.hit.strength === 'strong');
    let confirmed = strong;
    if (!strong) {
      const ports = portsOf(p.entry);
      const byPort = ports.size > 0 && sockets.some((s) => s.pid !== undefined && p.pids.has(s.pid) && (ports.has(s.localPort) || ports.has(s.remotePort)));
      // Names by their normalised catalogued form: a folder called "Teams" and the process Teams.exe are one name,
      // so an installed program's path that only repeats the process's name confirms nothing.
      const keys = new Map<string, boolean>();
      // A wildcard pattern is the noisiest kind of name: it never counts as the confirming second name
      // (NVDA's nvda.exe + nvda_slave.exe would otherwise confirm each other on every screen-reader laptop).
      // A name ordinary software also has (GoTo Meeting's g2mcomm.exe and g2mstart.exe, both listed under GoToMyPC)
      // is a fact about that software: two of them confirm nothing.
      for (const f of facts) {
        if (f.hit.catalogued !== undefined || f.hit.common === true || /[*?]/.test(f.hit.name)) continue;
        const key = normaliseName(f.hit.name);
        keys.set(key, (keys.get(key) ?? false) || f.hit.unique);
      }
      const twoNames = keys.size >= 2 && [...keys.values()].some(Boolean);
      const byPath = facts.some((f) => f.hit.catalogued === 'path') && keys.size >= 1;
      confirmed = byPort || twoNames || byPath;
    }
    p.confirmed = confirmed;
    p.weakOnly = confirmed && !strong;
  }
  return out;
}

export interface RemotePresence {
  tools: Map<string, EntryPresence<RemoteTool>>;
  /** pid → confirmed control-category tool id. */
  pidTool: Map<number, string>;
  catalogs: Catalogs;
}

const memo = new WeakMap<Snapshot, RemotePresence>();

/** Confirmed remote-control tools of a snapshot, computed once per snapshot for all the rules that ask. */
export function remotePresence(snapshot: Snapshot): RemotePresence {
  const hit = memo.get(snapshot);
  if (hit) return hit;
  const cat = catalogs();
  const portSets = new Map<string, Set<number>>();
  const tools = presenceOf(snapshot, cat.remoteAccess, (t) => {
    let s = portSets.get(t.id);
    if (!s) portSets.set(t.id, (s = new Set(t.ports.map((p) => p.port).filter((p) => !cat.commonPorts.has(p)))));
    return s;
  });
  for (const [id, p] of tools) if (!p.confirmed || controlConfidence[p.entry.category] === undefined) tools.delete(id);
  const pidTool = new Map<number, string>();
  for (const [id, p] of tools) for (const f of p.running) if (f.pid !== undefined) pidTool.set(f.pid, id);
  const result = { tools, pidTool, catalogs: cat };
  memo.set(snapshot, result);
  return result;
}
