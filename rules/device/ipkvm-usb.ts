import type { Snapshot } from '../../schema/snapshot/index.js';
import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import type { IpkvmEntry } from '../catalog/schemas/ipkvm.js';
import { matchUsb, type PatternHit, type UsbDescriptor } from './match.js';
import { kvmShape, withShape } from './kvm-shape.js';
import { usbEvidence } from './usb-facts.js';

const ATTACK = ['T1219.003', 'T1200'] as const;
/** ipkvm.hid-shape's confidence for keyboard + absolute pointer alone: the second fact's weight here. */
const KEYBOARD_POINTER_CONFIDENCE = 0.5;

interface Best { entry: IpkvmEntry; hit: PatternHit }

/** The strongest KVM catalog entry a descriptor matches (first entry wins a tie). */
export function bestIpkvmUsb(entries: readonly IpkvmEntry[], d: UsbDescriptor): Best | null {
  let best: Best | null = null;
  for (const entry of entries) {
    const hit = matchUsb(entry.usb, entry.keywords, d);
    if (hit && (!best || hit.confidence > best.hit.confidence)) best = { entry, hit };
  }
  return best;
}

function toMatch({ entry, hit }: Best, facts: Record<string, unknown>): Match {
  const gadgetOnly = entry.kind === 'gadget';
  const m: Match = {
    confidence: hit.confidence,
    subject: entry.id,
    evidence: { ...facts, catalog: entry.id, matched: hit.matched, ...(hit.note ? { note: hit.note } : {}) },
  };
  if (gadgetOnly) {
    m.severity = 'high';
    m.title = 'A Linux USB composite gadget (1d6b:0104, the id IP-KVMs use) is attached';
  } else {
    m.title = `${entry.name} attached over USB`;
    if (hit.confidence < 0.85) m.severity = 'high';
  }
  return m;
}

/** Without a USB inventory, the input devices' names and ids are the fallback (they carry the same strings). */
function fromInputs(snapshot: Snapshot, entries: readonly IpkvmEntry[]): Match[] {
  const seen = new Set<string>();
  const out: Match[] = [];
  for (const input of snapshot.inputs?.devices ?? []) {
    if (input.bus !== 'usb') continue;
    const key = input.usbPort ?? `${input.vendorId ?? ''}:${input.productId ?? ''}:${input.name}`;
    if (seen.has(key)) continue;
    const best = bestIpkvmUsb(entries, { vendorId: input.vendorId, productId: input.productId, product: input.name });
    if (!best) continue;
    seen.add(key);
    const facts: Record<string, unknown> = { inputName: input.name };
    if (input.vendorId !== undefined) facts.vendorId = input.vendorId;
    if (input.productId !== undefined) facts.productId = input.productId;
    if (input.usbPort !== undefined) facts.port = input.usbPort;
    out.push(toMatch(best, facts));
  }
  return out;
}

export const ipkvmUsb = defineRule({
  id: 'ipkvm.usb',
  title: 'An IP-KVM is attached over USB',
  description:
    'A USB device whose descriptors (vendor/product id, manufacturer, product, serial) match an IP-KVM in the catalog: ' +
    'PiKVM, TinyPilot, JetKVM, NanoKVM, GL.iNet Comet, BliKVM, USB-KVMs on a CH9329 chip. An IP-KVM lets someone elsewhere type, click and see the ' +
    'screen. The bare Linux gadget id 1d6b:0104 without a maker\'s strings is reported with lower confidence; a weaker ' +
    'id match (a CH9329\'s factory id) on a device that is also keyboard + absolute pointer is scored as two facts.',
  severity: 'critical',
  weight: 0.95,
  group: 'ipkvm',
  attack: ATTACK,
  falsePositives: [
    'A company-owned IP-KVM in a lab or server room (allow-list its catalog id)',
    'A Raspberry Pi or other single-board computer in USB gadget mode (1d6b:0104 without KVM strings)',
  ],
  evaluate(snapshot) {
    const entries = deviceCatalogs().ipkvm.entries;
    if (snapshot.usb === null) return fromInputs(snapshot, entries);
    const out: Match[] = [];
    for (const device of snapshot.usb.devices) {
      const best = bestIpkvmUsb(entries, device);
      if (!best) continue;
      // A weaker id match (a CH9329's factory id) with the KVM's HID shape on the same device: two facts, scored together.
      const shape = best.entry.kind === 'ipkvm' && best.hit.confidence < 0.85 ? kvmShape(snapshot, device) : null;
      if (!shape) {
        out.push(toMatch(best, usbEvidence(device)));
        continue;
      }
      const hit = { ...best.hit, confidence: withShape(best.hit.confidence, KEYBOARD_POINTER_CONFIDENCE) };
      out.push(toMatch({ entry: best.entry, hit }, { ...usbEvidence(device), corroboration: shape }));
    }
    return out;
  },
});
