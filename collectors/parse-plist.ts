/**
 * Pure property-list reader for macOS files read directly (no `plutil` fork): XML plists and binary `bplist00`
 * (Apple's CFBinaryPList format: trailer of 32 bytes, offset table, objects). Dates become ISO strings, data Buffers.
 * Throws on malformed input; callers turn that into a note or an error result.
 */
export type PlistValue = string | number | boolean | Buffer | PlistValue[] | { [key: string]: PlistValue } | null;

export function parsePlist(buf: Buffer): PlistValue {
  if (buf.subarray(0, 8).toString('latin1') === 'bplist00') return parseBinary(buf);
  return parseXml(buf.toString('utf8'));
}

function parseBinary(buf: Buffer): PlistValue {
  if (buf.length < 40) throw new Error('binary plist truncated');
  const t = buf.length - 32;
  const offSize = buf[t + 6]!, refSize = buf[t + 7]!;
  const numObjects = Number(buf.readBigUInt64BE(t + 8));
  const top = Number(buf.readBigUInt64BE(t + 16));
  const tableAt = Number(buf.readBigUInt64BE(t + 24));
  if (offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8 || tableAt + numObjects * offSize > t) throw new Error('binary plist trailer is inconsistent');
  const uint = (at: number, size: number) => {
    let v = 0;
    for (let i = 0; i < size; i += 1) v = v * 256 + buf[at + i]!;
    return v;
  };
  const offsets = Array.from({ length: numObjects }, (_, i) => uint(tableAt + i * offSize, offSize));
  const depth = { n: 0 };
  const read = (ref: number): PlistValue => {
    const at = offsets[ref];
    if (at === undefined || at >= t) throw new Error(`binary plist object ${ref} out of range`);
    if (++depth.n > 10_000) throw new Error('binary plist too deep or cyclic');
    const marker = buf[at]!, hi = marker >> 4, lo = marker & 0x0f;
    let count = lo, start = at + 1;
    if (hi !== 0 && hi !== 1 && hi !== 2 && hi !== 3 && lo === 0x0f) {
      const intSize = 1 << (buf[at + 1]! & 0x0f);
      count = uint(at + 2, intSize);
      start = at + 2 + intSize;
    }
    try {
      switch (hi) {
        case 0x0: return marker === 0x08 ? false : marker === 0x09 ? true : null;
        case 0x1: { const size = 1 << lo; return size === 8 ? Number(buf.readBigInt64BE(at + 1)) : uint(at + 1, size); }
        case 0x2: return lo === 2 ? buf.readFloatBE(at + 1) : buf.readDoubleBE(at + 1);
        case 0x3: return new Date((buf.readDoubleBE(at + 1) + 978307200) * 1000).toISOString();
        case 0x4: return Buffer.from(buf.subarray(start, start + count));
        case 0x5: return buf.toString('latin1', start, start + count);
        case 0x6: return Buffer.from(buf.subarray(start, start + count * 2)).swap16().toString('utf16le');
        case 0x8: return uint(at + 1, lo + 1); // UID (keyed archives)
        case 0xa: return Array.from({ length: count }, (_, i) => read(uint(start + i * refSize, refSize)));
        case 0xd: {
          const out: Record<string, PlistValue> = {};
          for (let i = 0; i < count; i += 1) {
            out[String(read(uint(start + i * refSize, refSize)))] = read(uint(start + (count + i) * refSize, refSize));
          }
          return out;
        }
        default: throw new Error(`binary plist marker 0x${marker.toString(16)} not supported`);
      }
    } finally {
      depth.n -= 1;
    }
  };
  return read(top);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e]!);

function parseXml(text: string): PlistValue {
  const tokens = [...text.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([a-zA-Z]+)(?:\s[^>]*?)?\s*(\/?)>([^<]*)/g)];
  let i = tokens.findIndex((m) => m[2] === 'plist' && !m[1]) + 1;
  if (i === 0) throw new Error('not a plist (no <plist> element)');
  const next = () => {
    const m = tokens[i++];
    if (!m) throw new Error('XML plist truncated');
    return { close: m[1] === '/', tag: m[2]!, empty: m[3] === '/', text: m[4] ?? '' };
  };
  const value = (tok = next()): PlistValue => {
    if (tok.close) throw new Error(`unexpected </${tok.tag}>`);
    if (tok.empty) return tok.tag === 'true' ? true : tok.tag === 'false' ? false : tok.tag === 'dict' ? {} : tok.tag === 'array' ? [] : '';
    const leaf = () => { const t = tok.text; next(); return t; };
    switch (tok.tag) {
      case 'string': return unescape(leaf());
      case 'integer': case 'real': return Number(leaf());
      case 'date': return leaf().trim();
      case 'data': return Buffer.from(leaf().replace(/\s+/g, ''), 'base64');
      case 'array': {
        const out: PlistValue[] = [];
        for (let t = next(); !t.close; t = next()) out.push(value(t));
        return out;
      }
      case 'dict': {
        const out: Record<string, PlistValue> = {};
        for (let t = next(); !t.close; t = next()) {
          if (t.tag !== 'key') throw new Error(`<dict> holds <${t.tag}> where a <key> belongs`);
          const key = unescape(t.text);
          next();
          out[key] = value();
        }
        return out;
      }
      default: throw new Error(`unknown plist element <${tok.tag}>`);
    }
  };
  return value();
}

/** A string field of a dict, trimmed; absent when missing or not a string. */
export function plistString(v: PlistValue | undefined, key: string): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v)) return undefined;
  const s = (v as Record<string, PlistValue>)[key];
  return typeof s === 'string' && s.trim() ? s.trim() : undefined;
}
