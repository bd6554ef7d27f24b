import { declareRule } from '../types.js';
/**
 * fleet.colocation: several company laptops in one place are the farm itself. Pure decisions only;
 * the server keeps a small presence table (place, device, lastSeen) and asks these functions what to do.
 */

import type { Severity } from '../types.js';
import { baseSeverity } from './grade.js';
import { atExemptPlace, type KnownPlaces, type PlaceKind } from './places.js';

export type { PlaceKind } from './places.js';

export interface Place {
  kind: PlaceKind;
  /** The source address as the server saw it, or the HMAC hex the agent sent. */
  value: string;
}

export interface ColocationPolicy {
  minDevices: number;
  windowHours: number;
  /** Declared and learned places, relays and the server's grades (server/places/); absent in bare unit tests. */
  known?: KnownPlaces | undefined;
}

export const colocationRule = declareRule({
  id: 'fleet.colocation',
  runs: 'fleet',
  title: 'Several enrolled laptops share one place',
  description:
    'At least minDevices distinct devices reported from the same public address, behind the same gateway MAC or on the same Wi-Fi BSSID within windowHours.',
  // The most it reaches: low/medium from the count, high/critical only with persistence or member evidence (grade.ts).
  severity: 'high',
  attack: ['T1219', 'T1219.003'],
  falsePositives: [
    'An office or VPN egress not listed in officeNetworks (its routers are learned as office places once seen from an officeNetworks source)',
    'A shared home of two employees (below minDevices by default; graded low)',
    'A group of colleagues staying in one hotel for several nights (persistent; declare the place ignored)',
  ],
});

export interface ReportPlaces {
  sourceIp: string;
  /** True when the source address lies in officeNetworks: offices and VPN egress are not places. */
  sourceIsOffice: boolean;
  gatewayMac?: string | undefined;
  wifiBssid?: string | undefined;
  /** ASN of sourceIp, for the relay catalog. */
  asn?: number | undefined;
  known?: KnownPlaces | undefined;
}

/**
 * The places one report puts its device in. Virtual-router MACs (00:00:5e:00:01:xx) arrive hashed, so the
 * agent drops them before hashing; the server cannot tell them apart.
 */
export function placesOf(report: ReportPlaces): Place[] {
  const places: Place[] = [];
  const { known } = report;
  // At a declared or learned office (or an ignored place) the laptop is at no place at all.
  if (atExemptPlace(known, report.gatewayMac, report.wifiBssid)) return places;
  // A relay's shared egress address is never a place; the laptop's own router and access point still are.
  const shared = report.sourceIp && known && (known.isRelay(report.sourceIp, report.asn) || known.roleOf('ip', report.sourceIp) !== undefined);
  if (!report.sourceIsOffice && report.sourceIp && !shared) places.push({ kind: 'ip', value: report.sourceIp });
  if (report.gatewayMac) places.push({ kind: 'gateway', value: report.gatewayMac });
  if (report.wifiBssid) places.push({ kind: 'wifi', value: report.wifiBssid });
  return places;
}

/** The key of the place that opened a cluster alert; further places of the same devices join that alert. */
export function clusterKey(place: Place): string {
  return `${place.kind}:${place.value}`;
}

export interface ClusterDecision {
  deviceIds: string[];
  /** The server's last grade of these members (rules/fleet/grade.ts), else the count alone: low or medium. */
  severity: Severity;
  summary: string;
  evidence: Record<string, unknown>;
}

/**
 * Given the devices seen at a place within the window (and the members an existing alert already lists),
 * the alert to open or update, or null when the place holds fewer than minDevices.
 */
export function decideCluster(
  place: Place,
  membersInWindow: readonly string[],
  policy: ColocationPolicy,
  previousMembers: readonly string[] = [],
): ClusterDecision | null {
  const current = new Set(membersInWindow);
  if (current.size < policy.minDevices) return null;
  // Members who left the window stay listed: an alert records everyone who was seen there.
  const deviceIds = [...new Set([...previousMembers, ...current])].sort();
  const what = place.kind === 'ip' ? `source address ${place.value}` : place.kind === 'gateway' ? 'one gateway MAC' : 'one Wi-Fi BSSID';
  const grade = policy.known?.gradeOf(deviceIds);
  return {
    deviceIds,
    severity: grade?.severity ?? baseSeverity(deviceIds.length),
    summary: `${deviceIds.length} devices share ${what} within ${policy.windowHours} h`,
    evidence: { placeKind: place.kind, place: place.value, places: [place], windowHours: policy.windowHours, devicesInWindow: current.size, ...(grade ? { grade } : {}) },
  };
}

/** True when the members of an alert would change: only then is the alert written again. */
export function membersChanged(previous: readonly string[], next: readonly string[]): boolean {
  if (previous.length !== next.length) return true;
  const seen = new Set(previous);
  return next.some((id) => !seen.has(id));
}

export interface OpenCluster {
  id: number;
  deviceIds: readonly string[];
  evidence: Record<string, unknown>;
}

/**
 * The open cluster alert these members belong to, if any: the same laptops seen behind one address and one gateway
 * are one farm, so one alert. Overlap must reach minDevices (or the whole smaller cluster) so that one laptop that
 * moved between two places does not merge two farms.
 */
export function clusterToJoin(members: readonly string[], open: readonly OpenCluster[], policy: ColocationPolicy): OpenCluster | undefined {
  const mine = new Set(members);
  let best: OpenCluster | undefined;
  let bestOverlap = 0;
  for (const cluster of open) {
    const overlap = cluster.deviceIds.filter((id) => mine.has(id)).length;
    const needed = Math.min(policy.minDevices, mine.size, cluster.deviceIds.length);
    if (overlap >= needed && overlap > bestOverlap) {
      best = cluster;
      bestOverlap = overlap;
    }
  }
  return best;
}

/** The decision for a place, merged into an existing cluster alert: members united, every place listed once. */
export function joinCluster(cluster: OpenCluster, place: Place, decision: ClusterDecision): ClusterDecision {
  const deviceIds = [...new Set([...cluster.deviceIds, ...decision.deviceIds])].sort();
  const known = Array.isArray(cluster.evidence.places) ? (cluster.evidence.places as Place[]) : placeOfEvidence(cluster.evidence);
  const places = [...known.filter((p) => p.kind !== place.kind || p.value !== place.value), place];
  const kinds = [...new Set(places.map((p) => p.kind))].join(', ');
  return {
    deviceIds,
    severity: decision.severity,
    summary: `${deviceIds.length} devices share ${places.length} places (${kinds}) within ${cluster.evidence.windowHours ?? decision.evidence.windowHours} h`,
    evidence: { ...decision.evidence, places },
  };
}

function placeOfEvidence(evidence: Record<string, unknown>): Place[] {
  const kind = evidence.placeKind;
  const value = evidence.place;
  return (kind === 'ip' || kind === 'gateway' || kind === 'wifi') && typeof value === 'string' ? [{ kind, value }] : [];
}
