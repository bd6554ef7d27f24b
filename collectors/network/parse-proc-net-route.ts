import { ipv4FromProcHex, ipv6FromNetworkHex } from './ip.js';
import type { Neighbor } from '../../schema/snapshot/network.js';

export interface DefaultRoute {
  ip: string;
  interface: string;
  metric: number;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
const RTF_REJECT = 0x200;

/** Default IPv4 gateway from /proc/net/route (tab-separated; addresses little-endian hex); lowest metric wins. */
export function parseDefaultRoute(text: string): DefaultRoute | undefined {
  let best: DefaultRoute | undefined;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, gw, flagsHex, , , metric, mask] = f;
    const flags = Number.parseInt(flagsHex!, 16);
    if (dest !== '00000000' || mask !== '00000000') continue;
    if ((flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const ip = ipv4FromProcHex(gw!);
    if (!ip || ip === '0.0.0.0') continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { ip, interface: iface!, metric: m };
  }
  return best;
}

/**
 * Default IPv6 gateway from /proc/net/ipv6_route: "dest plen src plen nexthop metric refcnt use flags dev",
 * addresses in network-order hex; ::/0 with RTF_GATEWAY, not the loopback reject route.
 */
export function parseDefaultRoute6(text: string): DefaultRoute | undefined {
  let best: DefaultRoute | undefined;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, plen, , , nexthop, metricHex, , , flagsHex, iface] = f;
    const flags = Number.parseInt(flagsHex!, 16);
    if (!/^0{32}$/.test(dest!) || plen !== '00') continue;
    if ((flags & RTF_REJECT) !== 0 || (flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY)) continue;
    const ip = ipv6FromNetworkHex(nexthop!);
    if (!ip || ip === '::') continue;
    const m = Number.parseInt(metricHex!, 16);
    if (!best || m < best.metric) best = { ip, interface: iface!, metric: m };
  }
  return best;
}

export interface ParsedArp {
  neighbors: Neighbor[];
  /** Incomplete entries (no MAC yet): skipped on purpose. */
  incomplete: number;
  /** Rows that could not be read. */
  skipped: number;
}

const ATF_COM = 0x2;
const ATF_PERM = 0x4;

/** /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device" (net/ipv4/arp.c). */
export function parseProcArp(text: string): ParsedArp {
  const neighbors: Neighbor[] = [];
  let incomplete = 0;
  let skipped = 0;
  for (const line of text.split('\n').slice(1)) {
    if (line.trim() === '') continue;
    const f = line.trim().split(/\s+/);
    const [ip, , flagsHex, mac, , dev] = f;
    if (f.length < 6 || !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip!) || !/^0x[0-9a-f]+$/i.test(flagsHex!) || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac!)) {
      skipped++;
      continue;
    }
    const flags = Number.parseInt(flagsHex!, 16);
    if ((flags & ATF_COM) === 0 || mac === '00:00:00:00:00:00') {
      incomplete++;
      continue;
    }
    neighbors.push({ ip: ip!, mac: mac!.toLowerCase(), interface: dev!, state: (flags & ATF_PERM) !== 0 ? 'permanent' : 'complete' });
  }
  return { neighbors, incomplete, skipped };
}
