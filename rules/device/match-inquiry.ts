import type { UsbStorage } from '../../schema/snapshot/usb.js';
import type { InquiryPattern, VirtualMediaEntry } from '../catalog/schemas/kvm-virtual-media.js';
import type { PatternHit } from './match.js';

/** Inquiry fields compared as the OSes print them: case, padding and Windows' "_" for a space do not count. */
export const inquiryKey = (s: string): string => s.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();

function patternHit(p: InquiryPattern, s: UsbStorage): PatternHit | null {
  const matched: Record<string, string> = {};
  for (const field of ['vendor', 'model'] as const) {
    const want = p[field];
    if (want === undefined) continue;
    if (inquiryKey(s[field]) !== inquiryKey(want)) return null;
    matched[field] = s[field];
  }
  return p.note === undefined ? { confidence: p.confidence, matched } : { confidence: p.confidence, matched, note: p.note };
}

/** The strongest virtual-media entry and pattern a disk's inquiry strings match (first entry wins a tie), or null. */
export function matchInquiry(entries: readonly VirtualMediaEntry[], s: UsbStorage): { entry: VirtualMediaEntry; hit: PatternHit } | null {
  let best: { entry: VirtualMediaEntry; hit: PatternHit } | null = null;
  for (const entry of entries) {
    for (const p of entry.inquiry) {
      const hit = patternHit(p, s);
      if (hit && (!best || hit.confidence > best.hit.confidence)) best = { entry, hit };
    }
  }
  return best;
}
