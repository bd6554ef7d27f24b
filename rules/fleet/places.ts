/** Where a laptop was seen: its public address, its gateway's MAC hash or its Wi-Fi BSSID hash. */
export type PlaceKind = 'ip' | 'gateway' | 'wifi';
import type { FleetGrade } from './grade.js';

/**
 * Places the company declares or the server learns. An office (declared, or a router / access point first seen from
 * an officeNetworks source) and an ignored place (a contracted coworking space, a hotel the company books) are
 * exempt: no co-location, shared fingerprint or neighbour finding is made there.
 */
export type PlaceRole = 'office' | 'ignored';
export const placeRoles: readonly PlaceRole[] = ['office', 'ignored'];

/** What the rules may ask of the places the server knows; pure callers get it in their policy. */
export interface KnownPlaces {
  /** The role of a place (gateway MAC hash, Wi-Fi BSSID hash, or an exact source address), undefined when none. */
  roleOf(kind: PlaceKind, value: string): PlaceRole | undefined;
  /** True for a shared relay or consumer-VPN egress address (rules/catalogs/relays.json, relayNetworks). */
  isRelay(ip: string, asn: number | undefined): boolean;
  /** The severity the server last graded for exactly these members, if it has (rules/fleet/grade.ts). */
  gradeOf(deviceIds: readonly string[]): FleetGrade | undefined;
}

/** True when a report's gateway or access point is an exempt place: the laptop is at the office. */
export function atExemptPlace(known: KnownPlaces | undefined, gatewayMac: string | undefined, wifiBssid: string | undefined): boolean {
  if (!known) return false;
  return (gatewayMac !== undefined && known.roleOf('gateway', gatewayMac) !== undefined) || (wifiBssid !== undefined && known.roleOf('wifi', wifiBssid) !== undefined);
}

/** The places a report from an officeNetworks source teaches: its router and access point become office places. */
export function officePlacesTaught(report: { sourceInOfficeNetworks: boolean; gatewayMac?: string | undefined; wifiBssid?: string | undefined }): { kind: PlaceKind; value: string }[] {
  if (!report.sourceInOfficeNetworks) return [];
  const out: { kind: PlaceKind; value: string }[] = [];
  if (report.gatewayMac) out.push({ kind: 'gateway', value: report.gatewayMac });
  if (report.wifiBssid) out.push({ kind: 'wifi', value: report.wifiBssid });
  return out;
}

/** The key a members list is graded under: order does not matter. */
export function membersKey(deviceIds: readonly string[]): string {
  return [...new Set(deviceIds)].sort().join('\n');
}

/**
 * True when every sighting of something shared (a dock's MAC, a monitor's EDID) was at an exempt place: hot-desk
 * docks and meeting-room monitors at the office are no fingerprint of a farm. False with no sighting at all.
 */
export function onlyAtExemptPlaces(known: KnownPlaces | undefined, sightings: readonly { gatewayMac?: string | undefined; wifiBssid?: string | undefined }[]): boolean {
  return sightings.length > 0 && sightings.every((s) => atExemptPlace(known, s.gatewayMac, s.wifiBssid));
}
