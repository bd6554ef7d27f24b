import { normaliseMac } from './parse-ifconfig.js';
import type { Neighbor } from '../../schema/snapshot/network.js';

/** Pure: `route -n get default` → gateway and interface ("    gateway: 192.168.1.1", "  interface: en0"). */
export function parseRouteGet(text: string): { ip: string; interface?: string } | undefined {
  const gw = /^\s*gateway:\s*(\S+)/m.exec(text)?.[1];
  const iface = /^\s*interface:\s*(\S+)/m.exec(text)?.[1];
  if (!gw || !/^[\d.]+$|:/.test(gw)) return undefined; // a link#N gateway (utun default route) is no address
  return { ip: gw, ...(iface ? { interface: iface } : {}) };
}

/** Pure: `arp -an` lines "? (192.168.1.1) at 3c:37:86:15:ad:f9 on en0 ifscope [ethernet]"; incomplete ones skipped. */
export function parseArpAn(text: string): { neighbors: Neighbor[]; incomplete: number; skipped: number } {
  const neighbors: Neighbor[] = [];
  let incomplete = 0, skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^\S+ \(([\d.]+)\) at (\S+) on (\S+)(?:.*?(permanent))?/.exec(line);
    if (!m) { skipped += 1; continue; }
    if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(m[2]!)) { incomplete += 1; continue; }
    const mac = normaliseMac(m[2]!);
    if (mac === 'ff:ff:ff:ff:ff:ff' || /^01:00:5e/.test(mac)) continue; // broadcast and multicast entries are not neighbours
    neighbors.push({ ip: m[1]!, mac, interface: m[3]!, ...(m[4] ? { state: 'permanent' } : {}) });
  }
  return { neighbors, incomplete, skipped };
}
