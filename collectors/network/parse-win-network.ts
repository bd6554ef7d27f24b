import { asArray, asRecord, bool, num, str } from '../win32/ps-json.js';
import type { NetIdentity, NetInterface, Neighbor } from '../../schema/snapshot/network.js';

/** "00-15-5D-01-02-03", "00155D010203" → "00:15:5d:01:02:03"; all-zero or malformed → undefined. */
export function normaliseMac(v: unknown): string | undefined {
  const hex = str(v)?.replace(/[-:]/g, '').toLowerCase();
  if (!hex || !/^[0-9a-f]{12}$/.test(hex) || /^0+$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/** IANA ifType values Windows reports in MSFT_NetAdapter.InterfaceType (and Get-NetAdapter's ifType). */
const IF_LOOPBACK = 24, IF_WIFI = 71, IF_PPP = 23, IF_PROP_VIRTUAL = 53, IF_TUNNEL = 131, IF_WWAN = 243, IF_WWAN2 = 244;
/** NDIS_PHYSICAL_MEDIUM: 8 wireless WAN, 9 native 802.11. */
const MEDIUM_WWAN = 8, MEDIUM_WIFI = 9;
/** Drivers that are VPN tunnels although they present an Ethernet ifType (TAP) or a private one. */
const tunnelDriver = /TAP-Windows|Wintun|WireGuard|OpenVPN|Astrill|\bVPN\b|Tunnel|PANGP|Fortinet SSL|Cisco AnyConnect/i;

function usbIds(pnpId: string | undefined): NetInterface['usb'] | undefined {
  const m = /^USB\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})/i.exec(pnpId ?? '');
  return m ? { vendorId: m[1]!.toLowerCase(), productId: m[2]!.toLowerCase() } : undefined;
}

export function adapterKind(a: { ifType?: number | undefined; medium?: number | undefined; virtual?: boolean | undefined; description?: string | undefined; pnpId?: string | undefined }): NetInterface['kind'] {
  if (a.ifType === IF_LOOPBACK) return 'loopback';
  if (a.ifType === IF_WIFI || a.medium === MEDIUM_WIFI) return 'wifi';
  if (a.ifType === IF_WWAN || a.ifType === IF_WWAN2 || a.medium === MEDIUM_WWAN) return 'cellular';
  if (a.ifType === IF_PPP || a.ifType === IF_TUNNEL || a.ifType === IF_PROP_VIRTUAL || tunnelDriver.test(a.description ?? '')) return 'tunnel';
  if (usbIds(a.pnpId)) return 'usb-net';
  if (a.virtual === true || /^(ROOT|SWD)\\/i.test(a.pnpId ?? '')) return 'virtual';
  if (a.ifType === 6) return 'ethernet';
  return 'other';
}

export interface WinNetwork {
  interfaces: NetInterface[];
  identity: Omit<NetIdentity, 'wifi'>;
  /** Adapters whose ifType or medium says Wi-Fi (then netsh is worth reading). */
  wifiAdapters: string[];
  notes: string[];
}

const neighborStates: Record<number, string> = { 0: 'unreachable', 1: 'incomplete', 2: 'probe', 3: 'delay', 4: 'stale', 5: 'reachable', 6: 'permanent', 7: 'tbd' };

function neighborState(v: unknown): string | undefined {
  const n = num(v);
  if (n !== undefined) return neighborStates[n];
  return str(v)?.toLowerCase();
}

/** Broadcast and multicast link-layer addresses are not neighbours. */
function isGroupMac(mac: string): boolean {
  return mac === 'ff:ff:ff:ff:ff:ff' || (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** Pure: the inventory's `network` section (MSFT_NetAdapter, MSFT_NetIPAddress, MSFT_NetRoute, MSFT_NetNeighbor, MSFT_DNSClientServerAddress). */
export function parseWinNetwork(section: unknown): WinNetwork {
  const s = asRecord(section) ?? {};
  const notes: string[] = [];
  const byIndex = new Map<number, NetInterface['addresses']>();
  for (const a of asArray(s.addresses).map(asRecord)) {
    const idx = num(a?.ifIndex);
    const address = str(a?.address)?.replace(/%.*$/, '');
    const fam = num(a?.family);
    if (idx === undefined || !address) continue;
    const family: 4 | 6 = fam === 23 || address.includes(':') ? 6 : 4;
    const prefix = num(a?.prefix);
    const list = byIndex.get(idx) ?? [];
    list.push({ address, family, ...(prefix !== undefined ? { cidr: `${address}/${prefix}` } : {}) });
    byIndex.set(idx, list);
  }
  const interfaces: NetInterface[] = [];
  const wifiAdapters: string[] = [];
  let hidden = 0;
  for (const a of asArray(s.adapters).map(asRecord)) {
    const name = str(a?.name);
    if (!a || !name) continue;
    if (bool(a.hidden) === true) {
      hidden += 1;
      continue;
    }
    const description = str(a.description);
    const pnpId = str(a.pnpId);
    const kind = adapterKind({ ifType: num(a.ifType), medium: num(a.physicalMedium), virtual: bool(a.virtual), description, pnpId });
    if (kind === 'wifi') wifiAdapters.push(name);
    const mac = normaliseMac(a.currentMac) ?? normaliseMac(a.mac);
    const oper = a.operStatus;
    const up = oper === 1 || oper === 'Up' || oper === 'up';
    const usb = kind === 'usb-net' ? usbIds(pnpId) : undefined;
    const idx = num(a.ifIndex);
    interfaces.push({
      name, kind, ...(mac ? { mac } : {}), up, addresses: (idx !== undefined ? byIndex.get(idx) : undefined) ?? [],
      ...(description ? { driver: description } : {}), ...(usb ? { usb } : {}),
    });
  }
  if (hidden > 0) notes.push(`${hidden} hidden adapters (WAN miniports, debug) left out`);

  const neighbors: Neighbor[] = [];
  for (const n of asArray(s.neighbors).map(asRecord)) {
    const ip = str(n?.ip);
    const mac = normaliseMac(n?.mac);
    const state = neighborState(n?.state);
    if (!ip || !mac || isGroupMac(mac) || state === 'unreachable' || state === 'incomplete') continue;
    const iface = str(n?.alias);
    neighbors.push({ ip, mac, ...(iface ? { interface: iface } : {}), ...(state ? { state } : {}) });
  }

  const routes = asArray(s.routes).map(asRecord)
    .map((r) => ({ prefix: str(r?.prefix), nextHop: str(r?.nextHop), alias: str(r?.alias), metric: num(r?.metric) ?? Infinity }))
    .filter((r) => r.prefix === '0.0.0.0/0' && r.nextHop && r.nextHop !== '0.0.0.0')
    .sort((a, b) => a.metric - b.metric);
  const best = routes[0];
  let gateway: NetIdentity['gateway'] = null;
  if (best) {
    const mac = neighbors.find((n) => n.ip === best.nextHop && (!best.alias || !n.interface || n.interface === best.alias))?.mac;
    gateway = { ip: best.nextHop!, ...(mac ? { mac } : {}), ...(best.alias ? { interface: best.alias } : {}) };
  }

  const dns: string[] = [];
  for (const d of asArray(s.dns).map(asRecord)) {
    for (const server of asArray(d?.servers)) {
      const ip = str(server)?.replace(/%.*$/, '');
      // fec0:0:0:ffff::1-3 are the placeholders Windows lists on interfaces with no IPv6 DNS configured.
      if (ip && !/^fec0:0:0:ffff::[123]$/i.test(ip) && !dns.includes(ip)) dns.push(ip);
    }
  }
  return { interfaces, identity: { gateway, neighbors, dnsServers: dns }, wifiAdapters, notes };
}
