import type { NetInterface } from '../../schema/snapshot/network.js';

/**
 * Pure parser of macOS `ifconfig -v`: one block per interface ("en0: flags=8863<UP,...> mtu 1500", then tab-indented
 * ether/inet/inet6/status/type lines). `type:` (printed by -v: "Wi-Fi", "Ethernet", "USB Ethernet"...) decides the
 * kind when present; names decide otherwise (utun/ipsec/ppp tunnels, awdl/llw/anpi/ap virtual, bridge, lo).
 */
export interface IfconfigEntry {
  name: string;
  up: boolean;
  mac?: string;
  type?: string;
  addresses: NetInterface['addresses'];
}

function prefixFromNetmask(hex: string): number | undefined {
  const n = Number.parseInt(hex.replace(/^0x/, ''), 16);
  if (!Number.isFinite(n)) return undefined;
  return n.toString(2).replace(/0+$/, '').length;
}

export function parseIfconfig(text: string): IfconfigEntry[] {
  const out: IfconfigEntry[] = [];
  let cur: (IfconfigEntry & { flagsUp: boolean; status?: string }) | undefined;
  const flush = () => {
    if (cur) out.push({ name: cur.name, up: cur.flagsUp && (cur.status === undefined || cur.status === 'active'), addresses: cur.addresses,
      ...(cur.mac ? { mac: cur.mac } : {}), ...(cur.type ? { type: cur.type } : {}) });
  };
  for (const line of text.split('\n')) {
    const head = /^([A-Za-z0-9_.-]+): flags=[0-9a-f]+<([^>]*)>/.exec(line);
    if (head) {
      flush();
      cur = { name: head[1]!, up: false, flagsUp: head[2]!.split(',').includes('UP'), addresses: [] };
      continue;
    }
    if (!cur || !/^\s/.test(line)) continue;
    const t = line.trim();
    let m;
    if ((m = /^ether ([0-9a-f:]+)/i.exec(t))) cur.mac = normaliseMac(m[1]!);
    else if ((m = /^inet (\d+\.\d+\.\d+\.\d+)(?: --> \S+)? netmask (0x[0-9a-f]+)/i.exec(t))) {
      const p = prefixFromNetmask(m[2]!);
      cur.addresses.push({ address: m[1]!, family: 4, ...(p !== undefined ? { cidr: `${m[1]}/${p}` } : {}) });
    } else if ((m = /^inet6 ([0-9a-f:]+)(?:%\S+)? prefixlen (\d+)/i.exec(t))) {
      cur.addresses.push({ address: m[1]!, family: 6, cidr: `${m[1]}/${m[2]}` });
    } else if ((m = /^status: (\S+)/.exec(t))) cur.status = m[1]!;
    else if ((m = /^type: (.+)$/.exec(t))) cur.type = m[1]!.trim();
  }
  flush();
  return out;
}

/** macOS prints MACs without leading zeros ("0:1e:6d:1:2:3"): two digits per byte, lower case. */
export function normaliseMac(mac: string): string {
  return mac.split(':').map((b) => b.padStart(2, '0').toLowerCase()).join(':');
}

const TUNNEL = /^(utun|ipsec|ppp|gif|stf|tun|tap|wg)/;
const VIRTUAL = /^(awdl|llw|anpi|ap\d|vmenet|vmnet|feth|bridge100)/;

export function kindOfDarwin(e: { name: string; type?: string }, hardwarePort?: string): NetInterface['kind'] {
  const label = (e.type ?? hardwarePort ?? '').toLowerCase();
  if (e.name.startsWith('lo')) return 'loopback';
  if (TUNNEL.test(e.name)) return 'tunnel';
  if (VIRTUAL.test(e.name)) return 'virtual';
  if (label.includes('wi-fi') || label.includes('airport')) return 'wifi';
  if (label.includes('iphone') || label.includes('usb') || label.includes('ipad')) return 'usb-net';
  if (label.includes('bridge') || e.name.startsWith('bridge')) return 'bridge';
  if (label.includes('cellular') || label.includes('wwan')) return 'cellular';
  if (label.includes('ethernet') || label.includes('thunderbolt')) return 'ethernet';
  return 'other';
}
