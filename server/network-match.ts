// Address matching, apart from context.ts so that geo/ (special-purpose ranges) needs nothing of the server's context.
import { BlockList } from 'node:net';
import { parseCidr } from './config.js';

/** IPv4-mapped IPv6 ("::ffff:127.0.0.1") as plain IPv4, so one address has one spelling. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function networkMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  if (!cidrs.length) return () => false;
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (c) list.addSubnet(c.address, c.prefix, c.family);
  }
  // BlockList.check allocates per call; a fleet reports from few addresses, so remember the answers.
  const seen = new Map<string, boolean>();
  return (ip) => {
    const known = seen.get(ip);
    if (known !== undefined) return known;
    const addr = normaliseIp(ip);
    let inside = false;
    try {
      inside = list.check(addr, addr.includes(':') ? 'ipv6' : 'ipv4');
    } catch {
      inside = false;
    }
    if (seen.size >= 100_000) seen.clear();
    seen.set(ip, inside);
    return inside;
  };
}
