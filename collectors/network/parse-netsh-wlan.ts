import type { NetIdentity } from '../../schema/snapshot/network.js';

export type WifiReading = NonNullable<NetIdentity['wifi']>;

export interface NetshWlan {
  /** One entry per interface block; null `wifi` when that interface is not associated. */
  interfaces: { name?: string; state?: string; wifi: WifiReading | null }[];
  /** Set when netsh refused to answer at all (Windows 11 24H2 without location permission, service stopped). */
  refused?: string;
}

const locationRefusal = /location permission|location services|ms-settings:privacy-location/i;
const zeroMac = /^(00[:-]){5}00$/;

/**
 * Parses `netsh wlan show interfaces`: blocks of "    Key   : value" lines, one per interface, keys in English on an
 * English Windows (values like "connected" too; other languages translate "State"/"connected" but keep "SSID"/"BSSID").
 * Windows 11 24H2 withholds SSID and BSSID from callers without location permission: either netsh prints a
 * refusal instead of the list, or the fields are absent or zero; both give null with an `unavailableReason`.
 */
export function parseNetshWlan(text: string): NetshWlan {
  if (locationRefusal.test(text) && !/^\s*SSID\s*:/m.test(text)) {
    const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => locationRefusal.test(l));
    return { interfaces: [], refused: `netsh withholds Wi-Fi details without location permission: ${line ?? ''}`.trim() };
  }
  const blocks: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s{2,}([^:]+?)\s*:\s?(.*)$/.exec(raw);
    if (!m) continue;
    const key = m[1]!.trim();
    if (key === 'Name' || !current) {
      current = new Map();
      blocks.push(current);
    }
    if (!current.has(key)) current.set(key, m[2]!.trim());
  }
  const interfaces = blocks
    .filter((b) => b.has('Name') || b.has('SSID') || b.has('State'))
    .map((b) => {
      const name = b.get('Name');
      const state = b.get('State');
      const ssidRaw = b.get('SSID');
      const bssidRaw = b.get('BSSID') ?? b.get('AP BSSID');
      const associated = ssidRaw !== undefined || bssidRaw !== undefined || /^connected$/i.test(state ?? '');
      if (!associated) return { ...(name ? { name } : {}), ...(state ? { state } : {}), wifi: null };
      const ssid = ssidRaw ? ssidRaw : null;
      const bssid = bssidRaw && !zeroMac.test(bssidRaw) ? bssidRaw.toLowerCase().replace(/-/g, ':') : null;
      const reason = ssid === null || bssid === null
        ? 'netsh shows the interface connected but withholds SSID/BSSID (Windows 11 24H2 requires location permission)'
        : undefined;
      const wifi: WifiReading = { ...(name ? { interface: name } : {}), ssid, bssid, ...(reason ? { unavailableReason: reason } : {}) };
      return { ...(name ? { name } : {}), ...(state ? { state } : {}), wifi };
    });
  return { interfaces };
}
