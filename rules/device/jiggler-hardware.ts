import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { matchUsb, type PatternHit, type UsbDescriptor } from './match.js';
import { usbEvidence } from './usb-facts.js';
import type { HardwareJigglerCatalog as JigglerCatalog } from '../catalog/schemas/jigglers-hardware.js';

type Entry = JigglerCatalog['entries'][number];

function best(entries: readonly Entry[], d: UsbDescriptor): { entry: Entry; hit: PatternHit } | null {
  let found: { entry: Entry; hit: PatternHit } | null = null;
  for (const entry of entries) {
    const hit = matchUsb(entry.usb, entry.keywords, d);
    if (hit && (!found || hit.confidence > found.hit.confidence)) found = { entry, hit };
  }
  return found;
}

export const jigglerHardware = defineRule({
  id: 'jiggler.hardware',
  title: 'A hardware mouse jiggler may be attached',
  description:
    'A USB device whose ids or strings match a catalogued hardware mouse jiggler, or that calls itself one. Jigglers keep ' +
    'a laptop awake and "active" while nobody sits at it. The catalogued ids are weak: ordinary mice share them.',
  severity: 'low',
  weight: 0.3,
  group: 'jiggler',
  attack: ['T1200'],
  falsePositives: ['Ordinary wireless mice with the same generic receiver ids (1ea7:0064, V-USB 16c0:27da)'],
  evaluate(snapshot) {
    const entries = deviceCatalogs().jigglers.entries;
    const out: Match[] = [];
    if (snapshot.usb !== null) {
      for (const device of snapshot.usb.devices) {
        const found = best(entries, device);
        if (found) out.push(toMatch(found, usbEvidence(device)));
      }
      return out;
    }
    const seen = new Set<string>();
    for (const input of snapshot.inputs?.devices ?? []) {
      const key = input.usbPort ?? `${input.vendorId ?? ''}:${input.productId ?? ''}:${input.name}`;
      if (input.bus !== 'usb' || seen.has(key)) continue;
      const found = best(entries, { vendorId: input.vendorId, productId: input.productId, product: input.name });
      if (!found) continue;
      seen.add(key);
      out.push(toMatch(found, { inputName: input.name, vendorId: input.vendorId, productId: input.productId }));
    }
    return out;
  },
});

function toMatch({ entry, hit }: { entry: Entry; hit: PatternHit }, facts: Record<string, unknown>): Match {
  return {
    confidence: hit.confidence,
    subject: entry.id,
    evidence: { ...facts, catalog: entry.id, name: entry.name, matched: hit.matched, ...(hit.note ? { note: hit.note } : {}) },
  };
}
