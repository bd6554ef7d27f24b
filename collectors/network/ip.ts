/** Address helpers shared by the /proc and ss parsers, so both sides format addresses the same way. */

/** /proc/net IPv4 address: 8 hex digits, the 32-bit value in host (little-endian) byte order. */
export function ipv4FromProcHex(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join('.');
}

/** /proc/net IPv6 address: 32 hex digits, four 32-bit words each in host (little-endian) byte order. */
export function ipv6FromProcHex(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  return formatIpv6(bytes);
}

/** /proc/net/ipv6_route address: 32 hex digits in network byte order (unlike tcp6). */
export function ipv6FromNetworkHex(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return formatIpv6(bytes);
}

/** RFC 5952 text (longest run of ≥ 2 zero groups compressed, lower case, ::ffff:a.b.c.d for IPv4-mapped), as inet_ntop prints it. */
export function formatIpv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12, 16).join('.')}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical form of an address as some tool printed it (zone id dropped), so that keys match; undefined if not an address. */
export function canonicalIp(text: string): string | undefined {
  const addr = text.replace(/%.*$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return addr;
  if (!addr.includes(':')) return undefined;
  let head = addr;
  const tailBytes: number[] = [];
  const v4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(addr);
  if (v4) {
    head = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1);
    tailBytes.push(...v4[2]!.split('.').map(Number));
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const want = tailBytes.length ? 6 : 8;
  const fill = want - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const bytes = groups.flatMap((g) => { const n = Number.parseInt(g, 16); return [n >> 8, n & 0xff]; });
  return formatIpv6([...bytes, ...tailBytes]);
}
