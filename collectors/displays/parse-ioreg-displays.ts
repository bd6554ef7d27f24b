import { io, type IoNode, type IoValue } from '../parse-ioreg.js';
import { parseEdid } from './parse-edid.js';
import type { Connector, Edid } from '../../schema/snapshot/displays.js';

/**
 * Pure: display connectors from ioreg. Intel Macs (`-r -c IODisplayConnect`): each AppleDisplay /
 * AppleBacklightDisplay (the built-in panel) child carries IODisplayEDID bytes. Apple silicon (`-r -d 1 -c AppleCLCD2`):
 * each framebuffer has `external` and DisplayAttributes.ProductAttributes (decoded EDID fields); raw bytes only where
 * the OS exposes IODisplayEDID/IODisplayEDIDOriginal, so there the EDID is best-effort (no hex, no checksum).
 */
const EDID_KEYS = ['IODisplayEDID', 'IODisplayEDIDOriginal'] as const;

function edidBytes(n: IoNode): Buffer | undefined {
  for (const k of EDID_KEYS) {
    const b = io.data(n, k);
    if (b && b.length) return b;
  }
  return undefined;
}

function withEdid(c: Connector, bytes: Buffer | undefined): Connector {
  if (!bytes) return c;
  const parsed = parseEdid(Uint8Array.from(bytes));
  return 'edid' in parsed ? { ...c, edid: parsed.edid } : { ...c, edidError: parsed.error };
}

/**
 * A connector name from IODisplayPrefsKey. Older macOS: ".../AppleIntelFramebuffer@1/display0/AppleDisplay-31d8-7770"
 * → "AppleIntelFramebuffer@1/display0". macOS 13 and later on Intel: ".../PC00/AppleACPIPCI/IGPU@2-756e6b6e-717-0" (the
 * GPU node with vendor-product-serial appended) → "IGPU@2/display0", the display part taken from the IODisplayConnect
 * node above it.
 */
function nameFromPrefsKey(key: string | undefined, connect: string | undefined): string | undefined {
  const parts = (key ?? '').split('/');
  const last = parts.at(-1) ?? '';
  if (/^(AppleDisplay|AppleBacklightDisplay)-/.test(last)) return parts.length >= 3 ? parts.slice(-3, -1).join('/') : undefined;
  const gpu = /^(.+?)(?:-[0-9a-f]+){2,3}$/i.exec(last);
  if (gpu && parts.length >= 2) return `${gpu[1]}/${connect ?? 'display'}`;
  return undefined;
}

export function connectorsFromDisplayConnect(nodes: readonly IoNode[]): Connector[] {
  const out: Connector[] = [];
  let connect: string | undefined;
  for (const n of nodes) {
    if (n.className === 'IODisplayConnect') connect = n.name;
    const cls = io.str(n, 'IOClass') ?? n.className;
    if (cls !== 'AppleDisplay' && cls !== 'AppleBacklightDisplay') continue;
    const name = nameFromPrefsKey(io.str(n, 'IODisplayPrefsKey'), connect) ?? connect ?? `display${out.length}`;
    out.push(withEdid({ name, builtin: cls === 'AppleBacklightDisplay', connected: true }, edidBytes(n)));
  }
  return out;
}

function dict(v: IoValue | undefined): Record<string, IoValue> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) ? (v as Record<string, IoValue>) : undefined;
}

/** EDID fields as macOS decoded them (ProductAttributes), for when the bytes are not exposed. */
export function edidFromProductAttributes(attrs: Record<string, IoValue>): Edid | undefined {
  const m = attrs.ManufacturerID, p = attrs.ProductID;
  if (typeof m !== 'string' || !/^[A-Z@]{3}$/.test(m) || typeof p !== 'number') return undefined;
  const num = (k: string) => (typeof attrs[k] === 'number' ? (attrs[k] as number) : undefined);
  const text = (k: string) => (typeof attrs[k] === 'string' && (attrs[k] as string).trim() ? (attrs[k] as string).trim() : undefined);
  const serial = num('SerialNumber'), week = num('WeekOfManufacture'), year = num('YearOfManufacture');
  const name = text('ProductName'), serialText = text('AlphanumericSerialNumber');
  return {
    manufacturerId: m,
    productCode: p & 0xffff,
    ...(serial ? { serialNumber: serial >>> 0 } : {}),
    ...(serialText ? { serialText } : {}),
    ...(name ? { monitorName: name } : {}),
    ...(year ? { year } : {}),
    ...(week && week >= 1 && week <= 54 ? { week } : {}),
  };
}

/**
 * Which framebuffer this is: IONameMatched "disp0,t8103" is the built-in panel's pipe, "dispext0,t600x" an external
 * one. The built-in pipe has no `external` key on real Macs, so the key alone cannot tell built-in from unknown.
 */
function clcdRole(n: IoNode): { pipe?: string; builtin: boolean } {
  const pipe = /^(disp(?:ext)?\d+),/.exec(io.str(n, 'IONameMatched') ?? '')?.[1];
  const external = io.bool(n, 'external');
  const builtin = external !== undefined ? !external : pipe !== undefined && !pipe.startsWith('dispext');
  return { ...(pipe ? { pipe } : {}), builtin };
}

export function connectorsFromClcd(nodes: readonly IoNode[]): Connector[] {
  return nodes.map((n, i) => {
    const { pipe, builtin } = clcdRole(n);
    const da = dict(n.props.DisplayAttributes);
    const attrs = dict(da?.ProductAttributes);
    const w = da?.NativeFormatHorizontalPixels, h = da?.NativeFormatVerticalPixels;
    const bytes = edidBytes(n);
    const base: Connector = {
      name: pipe ?? `${n.className ?? 'AppleCLCD2'}#${i}`,
      builtin,
      // An unused pipe (an M1's internal display with nothing attached) still prints "ProductAttributes"={}.
      connected: (attrs !== undefined && Object.keys(attrs).length > 0) || bytes !== undefined,
      ...(typeof w === 'number' && typeof h === 'number' ? { resolution: { width: w, height: h } } : {}),
    };
    if (bytes) return withEdid(base, bytes);
    const edid = attrs ? edidFromProductAttributes(attrs) : undefined;
    return edid ? { ...base, edid } : base;
  });
}
