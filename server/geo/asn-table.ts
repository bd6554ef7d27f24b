import { closeSync, openSync, readSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP → ASN from range CSVs in the @ip-location-db/asn layout: `start,end,asn,organisation` per line, addresses as
 * decimal integers (the `-num` files). Parsed once at start straight from the file's bytes, a chunk at a time, into flat typed arrays
 * (about 410k IPv4 and 100k IPv6 ranges, ~9 MB in all) and searched by bisection. No string per line and no BigInt
 * is ever built: the server starts fast and idles small, and a lookup allocates nothing but its answer.
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

/**
 * One address family's ranges. An address is `limbs` unsigned 32-bit words, most significant first (IPv4: 1,
 * IPv6: 4); range i's start is starts[i*limbs .. i*limbs+limbs).
 */
interface Ranges {
  limbs: number;
  starts: Uint32Array;
  ends: Uint32Array;
  asns: Uint32Array;
  count: number;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * Reads the decimal number in buf[from, to) into out[at .. at+limbs) (big-endian 32-bit limbs). Returns false on a
 * non-digit, an empty field or a number too large for the limbs.
 */
function readDecimal(buf: Buffer, from: number, to: number, out: Uint32Array, at: number, limbs: number): boolean {
  if (to <= from) return false;
  if (limbs === 1) {
    // IPv4, most of the file: one number, exact in a double, no limb arithmetic.
    let v = 0;
    for (let p = from; p < to; p++) {
      const digit = (buf[p] as number) - 0x30;
      if (digit < 0 || digit > 9) return false;
      v = v * 10 + digit;
      if (v > 0xffffffff) return false;
    }
    out[at] = v;
    return true;
  }
  out.fill(0, at, at + limbs);
  for (let p = from; p < to; p++) {
    const digit = (buf[p] as number) - 0x30;
    if (digit < 0 || digit > 9) return false;
    // limb × 10 + carry stays below 2^36: exact in a double.
    let carry = digit;
    for (let i = at + limbs - 1; i >= at; i--) {
      const v = (out[i] as number) * 10 + carry;
      out[i] = v >>> 0;
      carry = Math.floor(v / 0x1_0000_0000);
    }
    if (carry) return false;
  }
  return true;
}

/** <0, 0, >0 as a[ai..] compares with b[bi..] over `limbs` words. */
function compare(a: Uint32Array, ai: number, b: Uint32Array, bi: number, limbs: number): number {
  for (let i = 0; i < limbs; i++) {
    const d = (a[ai + i] as number) - (b[bi + i] as number);
    if (d) return d;
  }
  return 0;
}

const QUOTE = 0x22;

/** Space, tab and the line breaks: what String.prototype.trim removes among ASCII bytes. */
const asciiSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

function decodeOrg(buf: Buffer, from: number, to: number): string {
  let org = buf.toString('utf8', from, to).trim();
  if (org.startsWith('"') && org.endsWith('"') && org.length >= 2) org = org.slice(1, -1).replace(/""/g, '"');
  return org;
}

/**
 * Organisation names by ASN, as one UTF-8 buffer with offsets rather than ~90k strings on the heap (about a third
 * of the memory); a lookup decodes its one name. While building, the ASNs seen are an open-addressing table in typed
 * arrays, and a name is copied as bytes: the load leaves next to no garbage behind, so the heap does not grow for it.
 */
class OrgNames {
  // Sized for the bundled data (~91k ASNs, ~2.4 MB of names) so that neither grows while loading it.
  private bytes = Buffer.allocUnsafe(1 << 22);
  private used = 0;
  private slots = new Uint32Array(1 << 18);
  private taken = new Uint8Array(1 << 18);
  private starts = new Uint32Array(1 << 18);
  private lengths = new Uint32Array(1 << 18);
  private count = 0;
  private asns = new Uint32Array(0);
  private offsets = new Uint32Array(0);

  private slotOf(asn: number): number {
    const mask = this.slots.length - 1;
    let i = (Math.imul(asn, 0x9e3779b1) >>> 0) & mask;
    while (this.taken[i] && this.slots[i] !== asn) i = (i + 1) & mask;
    return i;
  }

  has(asn: number): boolean {
    return this.taken[this.slotOf(asn)] === 1;
  }

  /** Adds the name in the CSV field buf[from, to), read as decodeOrg reads it. */
  add(asn: number, buf: Buffer, from: number, to: number): void {
    let a = from;
    let b = to;
    while (a < b && asciiSpace(buf[a] as number)) a++;
    while (b > a && asciiSpace(buf[b - 1] as number)) b--;
    const at = this.used;
    if (a < b && ((buf[a] as number) >= 0x80 || (buf[b - 1] as number) >= 0x80)) {
      // Non-ASCII at an end: trim() may remove more (a no-break space, ...); the string path says exactly what.
      const name = decodeOrg(buf, from, to);
      this.reserve(Buffer.byteLength(name));
      this.used += this.bytes.write(name, this.used);
    } else {
      this.reserve(b - a);
      if (b - a >= 2 && buf[a] === QUOTE && buf[b - 1] === QUOTE) {
        for (let p = a + 1; p < b - 1; p++) {
          this.bytes[this.used++] = buf[p] as number;
          if (buf[p] === QUOTE && buf[p + 1] === QUOTE && p + 1 < b - 1) p++;
        }
      } else this.used += buf.copy(this.bytes, this.used, a, b);
    }
    const i = this.slotOf(asn);
    this.slots[i] = asn;
    this.taken[i] = 1;
    this.starts[i] = at;
    this.lengths[i] = this.used - at;
    if (++this.count * 2 > this.slots.length) this.rehash();
  }

  private reserve(length: number): void {
    if (this.used + length <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + length));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }

  private rehash(): void {
    const { slots, taken, starts, lengths } = this;
    this.slots = new Uint32Array(slots.length * 2);
    this.taken = new Uint8Array(slots.length * 2);
    this.starts = new Uint32Array(slots.length * 2);
    this.lengths = new Uint32Array(slots.length * 2);
    for (let j = 0; j < slots.length; j++) {
      if (!taken[j]) continue;
      const i = this.slotOf(slots[j] as number);
      this.slots[i] = slots[j] as number;
      this.taken[i] = 1;
      this.starts[i] = starts[j] as number;
      this.lengths[i] = lengths[j] as number;
    }
  }

  /** Sorts the index and drops the building table; call once after the last add. */
  seal(): void {
    const sorted = new Uint32Array(this.count);
    let k = 0;
    for (let j = 0; j < this.slots.length; j++) if (this.taken[j]) sorted[k++] = this.slots[j] as number;
    sorted.sort();
    const offsets = new Uint32Array(sorted.length + 1);
    const packed = Buffer.alloc(this.used);
    let at = 0;
    for (let n = 0; n < sorted.length; n++) {
      const i = this.slotOf(sorted[n] as number);
      const from = this.starts[i] as number;
      offsets[n] = at;
      at += this.bytes.copy(packed, at, from, from + (this.lengths[i] as number));
    }
    offsets[sorted.length] = at;
    this.asns = sorted;
    this.offsets = offsets;
    this.bytes = packed;
    this.slots = new Uint32Array(0);
    this.taken = new Uint8Array(0);
    this.starts = new Uint32Array(0);
    this.lengths = new Uint32Array(0);
  }

  get(asn: number): string {
    let lo = 0;
    let hi = this.asns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.asns[mid] as number;
      if (v === asn) return this.bytes.toString('utf8', this.offsets[mid], this.offsets[mid + 1]);
      if (v < asn) lo = mid + 1;
      else hi = mid - 1;
    }
    return '';
  }
}

const CHUNK = 1 << 20;

/**
 * Calls `line(buf, from, to)` for each line of the file (without its newline), reading 1 MiB at a time: never the
 * whole file at once, which would leave the process that much larger. Returns the number of lines.
 */
function forEachChunk(file: string, chunk: { buf: Buffer }, line: (buf: Buffer, from: number, to: number) => void): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new AsnTableError(`${file}: cannot read the ASN database (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let count = 0;
  try {
    let buf = chunk.buf;
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        // A line longer than the buffer: grow it (real lines are under 200 bytes).
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = chunk.buf = bigger;
      }
      const read = readSync(fd, buf, filled, buf.length - filled, null);
      filled += read;
      let pos = 0;
      for (let eol = buf.indexOf(NEWLINE, pos); eol >= 0 && eol < filled; eol = buf.indexOf(NEWLINE, pos)) {
        count++;
        line(buf, pos, eol);
        pos = eol + 1;
      }
      if (read === 0) {
        if (pos < filled) {
          count++;
          line(buf, pos, filled);
        }
        return count;
      }
      buf.copy(buf, 0, pos, filled);
      filled -= pos;
    }
  } finally {
    closeSync(fd);
  }
}

function parseRanges(file: string, limbs: number, orgs: OrgNames, chunk: { buf: Buffer }): Ranges {
  const bad = (lineNo: number, what = 'not an ASN range line (start,end,asn,organisation)') => new AsnTableError(`${file}:${lineNo}: ${what}`);
  // Sized exactly by a first pass that counts lines: no growing copies left behind in the allocator.
  const lines = forEachChunk(file, chunk, () => {});
  const starts = new Uint32Array(lines * limbs);
  const ends = new Uint32Array(lines * limbs);
  const asns = new Uint32Array(lines);
  let n = 0;
  let lineNo = 0;
  const parseLine = (buf: Buffer, pos: number, eol: number): void => {
    lineNo++;
    const end = eol > pos && buf[eol - 1] === RETURN ? eol - 1 : eol;
    if (end <= pos) return;
    const a = buf.indexOf(COMMA, pos);
    const b = a < 0 || a >= end ? -1 : buf.indexOf(COMMA, a + 1);
    if (a < 0 || a >= end || b < 0 || b >= end) throw bad(lineNo);
    let c = buf.indexOf(COMMA, b + 1);
    if (c < 0 || c >= end) c = end;
    const s = starts;
    const e = ends;
    if (!readDecimal(buf, pos, a, s, n * limbs, limbs) || !readDecimal(buf, a + 1, b, e, n * limbs, limbs)) throw bad(lineNo, 'bad address number');
    if (c === b + 1 || c - b - 1 > 10) throw bad(lineNo);
    let asn = 0;
    for (let p = b + 1; p < c; p++) {
      const digit = (buf[p] as number) - 0x30;
      if (digit < 0 || digit > 9) throw bad(lineNo);
      asn = asn * 10 + digit;
    }
    if (asn > 0xffffffff) throw bad(lineNo);
    // The organisation belongs to the ASN (one name per ASN in this data): decoded once per ASN, not per line.
    if (!orgs.has(asn)) orgs.add(asn, buf, c < end ? c + 1 : end, end);
    if (compare(s, n * limbs, e, n * limbs, limbs) > 0) throw bad(lineNo, 'range ends before it starts');
    // Bisection needs ascending starts: a file out of order is refused, not half-searched.
    if (n > 0 && compare(s, n * limbs, s, (n - 1) * limbs, limbs) < 0) throw bad(lineNo, 'ranges are not sorted by start address');
    asns[n] = asn;
    n++;
  };

  forEachChunk(file, chunk, parseLine);
  if (!n) throw new AsnTableError(`${file}: no ASN ranges in the file`);
  return { limbs, starts, ends, asns, count: n };
}

/** Index of the last range whose start ≤ the address in key[0..limbs), or -1. */
function bisect(r: Ranges, key: Uint32Array): number {
  let lo = 0;
  let hi = r.count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(r.starts, mid * r.limbs, key, 0, r.limbs) <= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function find(r: Ranges, key: Uint32Array): number {
  const i = bisect(r, key);
  return i >= 0 && compare(key, 0, r.ends, i * r.limbs, r.limbs) <= 0 ? i : -1;
}

function ipv4ToNumber(ip: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, embedded IPv4 tail folded in), or null if it is not one. */
function ipv6Groups(ip: string): number[] | null {
  let text = ip;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!isIPv6(text)) return null;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const n = ipv4ToNumber(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g || '0', 16));
}

/** Loads the IPv4 and (optional) IPv6 CSVs. Throws AsnTableError naming the file and line on any problem. */
export function loadAsnTable(ipv4File: string, ipv6File?: string): AsnTable {
  const orgs = new OrgNames();
  // One read buffer for every pass over both files.
  const chunk = { buf: Buffer.allocUnsafe(CHUNK) };
  const v4 = parseRanges(ipv4File, 1, orgs, chunk);
  const v6 = ipv6File ? parseRanges(ipv6File, 4, orgs, chunk) : undefined;
  orgs.seal();
  const key4 = new Uint32Array(1);
  const key6 = new Uint32Array(4);
  const info = (r: Ranges, i: number): AsnInfo => ({ asn: r.asns[i] as number, org: orgs.get(r.asns[i] as number) });
  return {
    ranges: v4.count + (v6?.count ?? 0),
    lookup(ip) {
      if (isIPv4(ip)) {
        key4[0] = ipv4ToNumber(ip);
        const i = find(v4, key4);
        return i >= 0 ? info(v4, i) : null;
      }
      if (!v6) return null;
      const groups = ipv6Groups(ip);
      if (!groups) return null;
      for (let l = 0; l < 4; l++) key6[l] = (((groups[2 * l] as number) << 16) | (groups[2 * l + 1] as number)) >>> 0;
      const i = find(v6, key6);
      return i >= 0 ? info(v6, i) : null;
    },
  };
}

export const forTests = { ipv6Groups, ipv4ToNumber, readDecimal, decodeOrg };
