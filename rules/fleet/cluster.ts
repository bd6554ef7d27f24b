/**
 * The cluster: laptops joined by co-location, a shared operator or a shared peripheral, with the reasons on each edge.
 * Defined once, here, as a pure function over links (each link is one active fleet alert: the laptops it names and
 * why); the server reads the links (server/graph/) and the API, the device page and the SOC's cases show the result.
 */

export type LinkReason = 'co-location' | 'shared-operator' | 'shared-peripheral';

/** Which fleet rule says what about the laptops it names. */
export const linkRules: Readonly<Record<string, LinkReason>> = {
  'fleet.colocation': 'co-location',
  'fleet.shared-fingerprint': 'co-location',
  'fleet.neighbor-devices': 'co-location',
  'fleet.shared-operator': 'shared-operator',
  'fleet.shared-peripheral': 'shared-peripheral',
};

export interface Link {
  deviceIds: readonly string[];
  reason: LinkReason;
  rule: string;
  alertId: number;
  /** What they share, e.g. "ip:203.0.113.7", "peer-id:<hash>", "monitor:<hash>". */
  keys: readonly string[];
}

export interface EdgeReason {
  reason: LinkReason;
  rule: string;
  alertId: number;
  keys: readonly string[];
}

export interface ClusterEdge {
  a: string;
  b: string;
  reasons: EdgeReason[];
}

export interface Cluster {
  /** The cluster's smallest device id: stable while that laptop stays in it. */
  id: string;
  deviceIds: string[];
  reasons: LinkReason[];
  edges: ClusterEdge[];
}

/** Laptops a link names beyond this are not paired edge by edge (the link still joins them all). */
const maxPairedMembers = 64;

/**
 * Connected components of two or more laptops. Each link joins all of its laptops; an edge between two laptops lists
 * every link that names both. Total: empty or malformed links are skipped; order of input does not change output.
 */
export function clustersOf(links: readonly Link[]): Cluster[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    let c = x;
    while (c !== r) {
      const next = parent.get(c) as string;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const edges = new Map<string, ClusterEdge>();
  for (const link of links) {
    const ids = [...new Set(link.deviceIds.filter((d) => typeof d === 'string' && d.length > 0))].sort();
    if (ids.length < 2) continue;
    for (const id of ids) if (!parent.has(id)) parent.set(id, id);
    for (const id of ids.slice(1)) union(ids[0] as string, id);
    const paired = ids.slice(0, maxPairedMembers);
    const why: EdgeReason = { reason: link.reason, rule: link.rule, alertId: link.alertId, keys: [...link.keys] };
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++) {
        const a = paired[i] as string;
        const b = paired[j] as string;
        const key = `${a}\u0000${b}`;
        let edge = edges.get(key);
        if (!edge) edges.set(key, (edge = { a, b, reasons: [] }));
        if (!edge.reasons.some((r) => r.alertId === why.alertId)) edge.reasons.push(why);
      }
    }
  }
  const byRoot = new Map<string, Cluster>();
  for (const id of [...parent.keys()].sort()) {
    const root = find(id);
    let c = byRoot.get(root);
    if (!c) byRoot.set(root, (c = { id, deviceIds: [], reasons: [], edges: [] }));
    c.deviceIds.push(id);
  }
  for (const edge of [...edges.values()].sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1))) {
    const c = byRoot.get(find(edge.a)) as Cluster;
    edge.reasons.sort((x, y) => x.alertId - y.alertId);
    c.edges.push(edge);
    for (const r of edge.reasons) if (!c.reasons.includes(r.reason)) c.reasons.push(r.reason);
  }
  for (const c of byRoot.values()) c.reasons.sort();
  return [...byRoot.values()].sort((x, y) => y.deviceIds.length - x.deviceIds.length || (x.id < y.id ? -1 : 1));
}

/** The keys a fleet alert's evidence names (co-location places, shared operators or peripherals), as "kind:value". */
export function linkKeysOf(evidence: Record<string, unknown>): string[] {
  const out: string[] = [];
  const push = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const p of list.slice(0, 50)) {
      const o = p as { kind?: unknown; value?: unknown };
      if (o && typeof o.kind === 'string' && typeof o.value === 'string') out.push(`${o.kind}:${o.value}`);
    }
  };
  push(evidence.places);
  push(evidence.keys);
  if (!out.length && typeof evidence.placeKind === 'string' && typeof evidence.place === 'string') out.push(`${evidence.placeKind}:${evidence.place}`);
  return out;
}
