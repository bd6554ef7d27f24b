import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';

/**
 * IP → ASN from range CSVs in the @ip-location-db/asn layout: `start,end,asn,organisation` per line, addresses as
 * decimal integers (the `-num` files). Built once at start into sorted typed arrays (about 410k IPv4 and 100k IPv6
 * ranges) and searched by bisection: no per-lookup allocation beyond the IPv6 BigInt.
 */
export interface AsnInfo {
  asn: number;
  org: string;
}

export interface AsnTable {
  lookup(ip: string): AsnInfo | null;
  readonly ranges: number;
}

export class AsnTableError extends Error {
  override readonly name = 'AsnTableError';
}

interface Parsed<T> {
  starts: T[];
  ends: T[];
  asns: Uint32Array;
  orgs: Uint32Array;
}

function parseCsv<T>(file: string, toNumber: (text: string) => T, orgIndex: Map<string, number>, orgNames: string[]): Parsed<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AsnTableError(`${file}: cannot read the ASN database (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const out: Parsed<T> = { starts: [], ends: [], asns: new Uint32Array(lines + 1), orgs: new Uint32Array(lines + 1) };
  let n = 0;
  let lineNo = 0;
  // Walked with indexOf rather than split: no array of half a million line strings at start.
  for (let pos = 0; pos < text.length; ) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    lineNo++;
    const a = text.indexOf(',', pos);
    const b = a < 0 ? -1 : text.indexOf(',', a + 1);
    const c = b < 0 ? -1 : text.indexOf(',', b + 1);
    if (eol > pos) {
      if (a < 0 || b < 0 || a > eol || b > eol) throw new AsnTableError(`${file}:${lineNo}: not an ASN range line (start,end,asn,organisation)`);
      const hasOrg = c >= 0 && c < eol;
      const asn = Number(text.slice(b + 1, hasOrg ? c : eol));
      if (!Number.isInteger(asn) || asn < 0) throw new AsnTableError(`${file}:${lineNo}: not an ASN range line (start,end,asn,organisation)`);
      let org = hasOrg ? text.slice(c + 1, eol).trim() : '';
      if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
      let id = orgIndex.get(org);
      if (id === undefined) {
        // A copy, not a slice: a slice would keep the whole file's text alive for the server's lifetime.
        id = orgNames.push(Buffer.from(org, 'utf8').toString('utf8')) - 1;
        orgIndex.set(org, id);
      }
      try {
        out.starts.push(toNumber(text.slice(pos, a)));
        out.ends.push(toNumber(text.slice(a + 1, b)));
      } catch {
        throw new AsnTableError(`${file}:${lineNo}: bad address number`);
      }
      // Bisection needs ascending starts: a file out of order is refused, not half-searched.
      if (n > 0 && (out.starts[n] as T) < (out.starts[n - 1] as T)) throw new AsnTableError(`${file}:${lineNo}: ranges are not sorted by start address`);
      out.asns[n] = asn;
      out.orgs[n] = id;
      n++;
    }
    pos = eol + 1;
  }
  if (!n) throw new AsnTableError(`${file}: no ASN ranges in the file`);
  out.asns = out.asns.subarray(0, n);
  out.orgs = out.orgs.subarray(0, n);
  return out;
}

const v4Number = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error('range');
  return n;
};

function ipv4ToNumber(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToNumber(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(`0x${g || '0'}`), 0n);
}

function bisect<T>(starts: ArrayLike<T>, value: T): number {
  // Index of the last range whose start ≤ value, or -1.
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as T) <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Loads the IPv4 and (optional) IPv6 CSVs. Throws AsnTableError naming the file on any problem. */
export function loadAsnTable(ipv4File: string, ipv6File?: string): AsnTable {
  const orgIndex = new Map<string, number>();
  const orgNames: string[] = [];
  const v4 = parseCsv(ipv4File, v4Number, orgIndex, orgNames);
  const v6 = ipv6File ? parseCsv(ipv6File, (s) => BigInt(s), orgIndex, orgNames) : undefined;
  const v4Starts = Uint32Array.from(v4.starts);
  const v4Ends = Uint32Array.from(v4.ends);
  const v4Asns = v4.asns;
  const v4Orgs = v4.orgs;
  // IPv6 ranges stay as BigInt arrays (100k entries): compact enough, and exact over 128 bits.
  const info = (asns: ArrayLike<number>, orgs: ArrayLike<number>, i: number): AsnInfo => ({ asn: asns[i] as number, org: orgNames[orgs[i] as number] ?? '' });
  return {
    ranges: v4.asns.length + (v6?.asns.length ?? 0),
    lookup(ip) {
      if (isIPv4(ip)) {
        const n = ipv4ToNumber(ip);
        const i = bisect(v4Starts, n);
        return i >= 0 && n <= (v4Ends[i] as number) ? info(v4Asns, v4Orgs, i) : null;
      }
      if (!v6 || !ip.includes(':')) return null;
      let n: bigint;
      try {
        n = ipv6ToBigInt(ip);
      } catch {
        return null;
      }
      const i = bisect(v6.starts, n);
      return i >= 0 && n <= (v6.ends[i] as bigint) ? info(v6.asns, v6.orgs, i) : null;
    },
  };
}

export const forTests = { ipv6ToBigInt, ipv4ToNumber };
