import { BlockList, isIP } from 'node:net';
import { loadCatalog } from '../catalog/files.js';
import type { RelayCatalog } from '../catalog/schemas/relays.js';

/**
 * Privacy relays and consumer VPNs as data (rules/catalogs/relays.json): their egress addresses are shared by many
 * unrelated people, so one of them is never a place. The laptop still sees its own VPN (network.vpn).
 */
export type RelayEntry = RelayCatalog['entries'][number];

let catalog: RelayEntry[] | undefined;

export function relayCatalog(): readonly RelayEntry[] {
  catalog ??= loadCatalog('relays').entries;
  return catalog;
}

export type RelayMatch = (ip: string, asn: number | undefined) => RelayEntry | null;

/** A matcher over the catalog plus the operator's own `relayNetworks` CIDRs; answers are remembered per address. */
export function relayMatcher(entries: readonly RelayEntry[] = relayCatalog(), extraCidrs: readonly string[] = []): RelayMatch {
  const byAsn = new Map<number, RelayEntry>();
  for (const e of entries) for (const asn of e.asns) byAsn.set(asn, e);
  const ranges: { list: BlockList; entry: RelayEntry }[] = [];
  const add = (entry: RelayEntry, cidrs: readonly string[]) => {
    const list = new BlockList();
    let any = false;
    for (const text of cidrs) {
      const [address = '', bits] = text.split('/');
      const family = isIP(address);
      if (!family) continue;
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix)) continue;
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
      any = true;
    }
    if (any) ranges.push({ list, entry });
  };
  for (const e of entries) add(e, e.cidrs);
  add({ id: 'relay-networks', name: 'relayNetworks (server config)', kind: 'privacy-relay', asns: [], cidrs: [...extraCidrs], source: 'server config' }, extraCidrs);
  const seen = new Map<string, RelayEntry | null>();
  return (ip, asn) => {
    const asnHit = asn !== undefined ? byAsn.get(asn) : undefined;
    if (asnHit) return asnHit;
    const known = seen.get(ip);
    if (known !== undefined) return known;
    const family = isIP(ip);
    let hit: RelayEntry | null = null;
    if (family) for (const r of ranges) if (r.list.check(ip, family === 4 ? 'ipv4' : 'ipv6')) { hit = r.entry; break; }
    if (seen.size > 100_000) seen.clear();
    seen.set(ip, hit);
    return hit;
  };
}
