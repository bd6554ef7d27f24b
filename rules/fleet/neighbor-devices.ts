import type { Finding } from '../types.js';
import { serverFinding, type ServerRuleMeta } from '../geo/finding.js';
import { baseSeverity } from './grade.js';
import { atExemptPlace, type KnownPlaces } from './places.js';

/**
 * fleet.neighbor-devices: a laptop's neighbour table (ARP/NDP, read passively) holds the MAC of another enrolled
 * laptop. Several company laptops on one home LAN, even when each goes out through its own hotspot or proxy.
 * Both sides travel as HMACs under the fleet key: identity.neighborMacs and identity.selfMacs.
 */
export const neighborDevicesRule: ServerRuleMeta = {
  id: 'fleet.neighbor-devices',
  runs: 'fleet',
  title: 'Other enrolled laptops sit on the same local network',
  description: "identity.neighborMacs of this device contains a MAC hash that another enrolled device reported in identity.selfMacs.",
  severity: 'high',
  weight: 0.7,
  group: 'fleet',
  attack: ['T1219', 'T1219.003'],
  falsePositives: ['An office LAN (laptops of colleagues are neighbours there): devices whose source lies in officeNetworks are skipped'],
};

/** owners: MAC hash → the device that reported it as its own. Null when no other device is a neighbour. */
export function neighborDevices(
  deviceId: string,
  neighborMacs: readonly string[],
  owners: ReadonlyMap<string, string>,
  at: { known?: KnownPlaces | undefined; gatewayMac?: string | undefined; wifiBssid?: string | undefined } = {},
): { deviceIds: string[]; finding: Finding } | null {
  // Colleagues' laptops are neighbours on an office LAN: no evidence at a declared or learned office.
  if (atExemptPlace(at.known, at.gatewayMac, at.wifiBssid)) return null;
  const others = new Map<string, string[]>();
  for (const mac of neighborMacs) {
    const owner = owners.get(mac);
    if (!owner || owner === deviceId) continue;
    others.set(owner, [...(others.get(owner) ?? []), mac]);
  }
  if (!others.size) return null;
  const neighbours = [...others.keys()].sort();
  const deviceIds = [deviceId, ...neighbours].sort();
  // A couple's two laptops see each other at home: low until the server's grade says more.
  const grade = at.known?.gradeOf(deviceIds);
  return {
    deviceIds,
    finding: serverFinding(
      neighborDevicesRule,
      Math.min(1, 0.7 + 0.1 * neighbours.length),
      { neighbours, macHashes: Object.fromEntries([...others].map(([d, m]) => [d, m.slice(0, 8)])), ...(grade ? { grade } : {}) },
      undefined,
      grade?.severity ?? baseSeverity(deviceIds.length),
    ),
  };
}
