import type { EdidPattern, UsbPattern } from '../catalog/schemas/device-patterns.js';

/** Pure matchers of USB descriptors, EDIDs and MAC addresses against catalog patterns. */

/** A keyword inside a maker-chosen string ("PiKVM V4 Composite") is nearly as telling as the exact string. */
export const KEYWORD_CONFIDENCE = 0.9;

export interface UsbDescriptor {
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serial?: string | undefined;
}

export interface PatternHit {
  confidence: number;
  /** The fields that matched, with the device's own values. */
  matched: Record<string, string>;
  note?: string;
}

const norm = (s: string | undefined): string | undefined => s?.trim().toLowerCase();

const usbFields = ['vendorId', 'productId', 'manufacturer', 'product', 'serial'] as const;

function usbPatternHit(p: UsbPattern, d: UsbDescriptor): PatternHit | null {
  const matched: Record<string, string> = {};
  for (const field of usbFields) {
    const want = p[field];
    if (want === undefined) continue;
    const have = d[field];
    if (have === undefined || norm(have) !== norm(want)) return null;
    matched[field] = have;
  }
  return p.note === undefined ? { confidence: p.confidence, matched } : { confidence: p.confidence, matched, note: p.note };
}

function keywordHit(keywords: readonly string[], d: UsbDescriptor): PatternHit | null {
  for (const field of ['manufacturer', 'product'] as const) {
    const have = d[field];
    const value = norm(have);
    if (have === undefined || value === undefined) continue;
    const word = keywords.find((k) => value.includes(k));
    if (word !== undefined) return { confidence: KEYWORD_CONFIDENCE, matched: { [field]: have, keyword: word } };
  }
  return null;
}

/** The strongest pattern (or keyword) a USB descriptor matches, or null. */
export function matchUsb(patterns: readonly UsbPattern[], keywords: readonly string[], d: UsbDescriptor): PatternHit | null {
  let best: PatternHit | null = keywordHit(keywords, d);
  for (const p of patterns) {
    const hit = usbPatternHit(p, d);
    if (hit && (!best || hit.confidence > best.confidence)) best = hit;
  }
  return best;
}

export interface EdidFacts {
  manufacturerId: string;
  productCode: number;
  monitorName?: string | undefined;
  serialText?: string | undefined;
}

/** "0x7770": product codes are written in hex in EDID tools and in our evidence. */
export const hexCode = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** The strongest EDID pattern an EDID matches, or null. */
export function matchEdid(patterns: readonly EdidPattern[], e: EdidFacts): PatternHit | null {
  let best: PatternHit | null = null;
  for (const p of patterns) {
    const matched: Record<string, string> = {};
    if (p.manufacturerId !== undefined) {
      if (e.manufacturerId.toUpperCase() !== p.manufacturerId) continue;
      matched.manufacturerId = e.manufacturerId;
    }
    if (p.productCode !== undefined) {
      if (e.productCode !== p.productCode) continue;
      matched.productCode = hexCode(e.productCode);
    }
    if (p.monitorName !== undefined) {
      if (e.monitorName === undefined || norm(e.monitorName) !== norm(p.monitorName)) continue;
      matched.monitorName = e.monitorName;
    }
    if (p.serialText !== undefined) {
      if (e.serialText === undefined || norm(e.serialText) !== norm(p.serialText)) continue;
      matched.serialText = e.serialText;
    }
    if (!best || p.confidence > best.confidence) {
      best = p.note === undefined ? { confidence: p.confidence, matched } : { confidence: p.confidence, matched, note: p.note };
    }
  }
  return best;
}

/**
 * "B8-27-EB-1-2-3", "b8:27:eb:01:02:03", "0:1:2:3:4:5" (macOS arp drops leading zeros) → "b8:27:eb:01:02:03".
 * null for anything that is not six hex octets.
 */
export function normalizeMac(mac: string): string | null {
  const parts = mac.trim().toLowerCase().split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{1,2}$/.test(p))) return null;
  return parts.map((p) => p.padStart(2, '0')).join(':');
}

/** Prefix test on hex digits, so 28-bit MA-M blocks ("04:c9:8b:1") work. mac must be normalised. */
export function macHasPrefix(normalizedMac: string, prefix: string): boolean {
  return normalizedMac.replaceAll(':', '').startsWith(prefix.replaceAll(':', ''));
}
