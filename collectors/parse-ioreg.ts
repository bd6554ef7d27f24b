/**
 * Pure parser of macOS `ioreg -l` text (any plane, with or without -r/-d/-w0), shared by the darwin sources of
 * usb, inputs, displays, activity and host. It also reads grep excerpts of that output (tree bars, "--" separators).
 *
 * Value grammar as ioreg prints it: numbers in decimal, "strings", Yes/No, <hex data>, <"data that is text">,
 * {"dict"=value,...} and (array,...). Unknown shapes are kept as their raw text, never thrown.
 */
export type IoValue = number | string | boolean | Buffer | IoValue[] | { [key: string]: IoValue };

export interface IoNode {
  /** Entry name before the "@location" part: "USB3.0 Hub", "IOHIDSystem". */
  name: string;
  /** The text after "@", e.g. "14100000" for a USB device. */
  location?: string;
  className?: string;
  /** Tree depth from the "+-o" column (0 for the first printed level). */
  depth: number;
  props: Record<string, IoValue>;
}

const HEADER = /^([ |]*)\+-o (.*?)(?:@([^\s<]*))?\s+<class ([A-Za-z0-9_]+)/;
const PROP = /^[ |]*"((?:[^"\\]|\\.)*)" = (.*)$/;

class ValueReader {
  i = 0;
  constructor(readonly s: string) {}

  value(): IoValue {
    const c = this.s[this.i];
    if (c === '"') return this.str();
    if (c === '<') return this.data();
    if (c === '{') return this.dict();
    if (c === '(') return this.array();
    const m = /^(-?\d+(?:\.\d+)?|Yes|No)/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`unexpected ${JSON.stringify(this.s.slice(this.i, this.i + 12))}`);
    this.i += m[1]!.length;
    return m[1] === 'Yes' ? true : m[1] === 'No' ? false : Number(m[1]);
  }

  private str(): string {
    let out = '';
    for (this.i += 1; this.i < this.s.length; this.i += 1) {
      const c = this.s[this.i]!;
      if (c === '\\' && this.i + 1 < this.s.length) out += this.s[++this.i];
      else if (c === '"') { this.i += 1; return out; }
      else out += c;
    }
    throw new Error('unterminated string');
  }

  private data(): Buffer {
    const end = this.s.indexOf('>', this.i);
    if (end < 0) throw new Error('unterminated data');
    const inner = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    // <"text"> is data ioreg chose to show as text (model, manufacturer); trailing NULs are padding.
    if (inner.startsWith('"')) return Buffer.from(inner.replace(/^"|"$/g, ''), 'latin1');
    if (!/^[0-9a-fA-F]*$/.test(inner) || inner.length % 2) throw new Error('bad data');
    return Buffer.from(inner, 'hex');
  }

  private dict(): Record<string, IoValue> {
    const out: Record<string, IoValue> = {};
    this.i += 1;
    while (this.s[this.i] !== '}') {
      if (this.i >= this.s.length) throw new Error('unterminated dict');
      const key = this.str();
      if (this.s[this.i] !== '=') throw new Error('expected =');
      this.i += 1;
      out[key] = this.value();
      if (this.s[this.i] === ',') this.i += 1;
    }
    this.i += 1;
    return out;
  }

  private array(): IoValue[] {
    const out: IoValue[] = [];
    this.i += 1;
    while (this.s[this.i] !== ')') {
      if (this.i >= this.s.length) throw new Error('unterminated array');
      out.push(this.value());
      if (this.s[this.i] === ',') this.i += 1;
    }
    this.i += 1;
    return out;
  }
}

/** One ioreg value; the raw text when it does not parse (so one odd property never loses the node). */
export function parseIoValue(text: string): IoValue {
  try {
    const r = new ValueReader(text.trim());
    const v = r.value();
    return r.i === r.s.length ? v : text.trim();
  } catch {
    return text.trim();
  }
}

export interface IoregParse {
  nodes: IoNode[];
  /** Property lines seen before any "+-o" header (grep excerpts): gathered into one headless node. */
  skipped: number;
}

export function parseIoreg(text: string): IoregParse {
  const nodes: IoNode[] = [];
  let current: IoNode | undefined;
  let skipped = 0;
  for (const line of text.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      current = {
        name: h[2]!.trim(),
        ...(h[3] ? { location: h[3] } : {}),
        className: h[4]!,
        depth: Math.floor(h[1]!.length / 2),
        props: {},
      };
      nodes.push(current);
      continue;
    }
    const p = PROP.exec(line);
    if (p) {
      if (!current) {
        // A grep excerpt without headers: one node per "{" block is all we can tell.
        current = { name: '', depth: 0, props: {} };
        nodes.push(current);
      }
      current.props[p[1]!] = parseIoValue(p[2]!);
      continue;
    }
    const t = line.replace(/^[ |]*/, '').trim();
    if (t === '{' && current && !current.className && Object.keys(current.props).length) {
      current = { name: '', depth: 0, props: {} };
      nodes.push(current);
    } else if (t !== '' && t !== '{' && t !== '}' && t !== '--') skipped += 1;
  }
  return { nodes, skipped };
}

/** Typed getters: a property of the wrong type reads as absent. */
export const io = {
  num: (n: IoNode, k: string): number | undefined => (typeof n.props[k] === 'number' ? (n.props[k] as number) : undefined),
  str: (n: IoNode, k: string): string | undefined => {
    const v = n.props[k];
    if (typeof v === 'string') return v;
    if (Buffer.isBuffer(v)) return v.toString('latin1').replace(/\0+$/, '') || undefined;
    return undefined;
  },
  bool: (n: IoNode, k: string): boolean | undefined => (typeof n.props[k] === 'boolean' ? (n.props[k] as boolean) : undefined),
  data: (n: IoNode, k: string): Buffer | undefined => (Buffer.isBuffer(n.props[k]) ? (n.props[k] as Buffer) : undefined),
};
