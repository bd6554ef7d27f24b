import type { Finding } from '../types.js';
import type { HostingEntry } from './data.js';
import type { SourceFacts } from './facts.js';
import { serverFinding, type ServerRuleMeta } from './finding.js';

export const hostingNetworkRule: ServerRuleMeta = {
  id: 'geo.hosting-network',
  runs: 'server',
  title: 'Reports come from a hosting, cloud or VPN network',
  description: 'The source ASN belongs to a hosting, data-centre or VPN provider (rules/catalogs/hosting-asns.json plus geo.hostingAsns) where a home or office line is expected.',
  severity: 'medium',
  weight: 0.5,
  group: 'geo',
  attack: ['T1090', 'T1090.003'],
  falsePositives: ['A company proxy, VPN or SASE egress hosted in a cloud and not listed in egressNetworks', 'Cloudflare WARP used by choice'],
};

export function hostingNetwork(source: SourceFacts, hosting: ReadonlyMap<number, HostingEntry>, extraAsns: readonly number[] = []): Finding | null {
  if (source.skipped || source.asn === undefined) return null;
  const entry = hosting.get(source.asn) ?? (extraAsns.includes(source.asn) ? { asn: source.asn, name: source.asOrg ?? `AS${source.asn}`, kind: 'hosting' as const, source: 'server config geo.hostingAsns' } : undefined);
  if (!entry) return null;
  // A network that carries VPN exits says more than a plain cloud (a laptop rarely sits in AWS, but a proxy might).
  const confidence = entry.kind === 'vpn' || entry.kind === 'vpn-hosting' ? 0.8 : 0.6;
  return serverFinding(
    hostingNetworkRule,
    confidence,
    { asn: source.asn, asOrg: source.asOrg ?? null, provider: entry.name, kind: entry.kind, listSource: entry.source, sourceIp: source.sourceIp, country: source.country ?? null },
    `AS${source.asn}`,
  );
}
