import type { Snapshot } from '../../collectors/snapshot.js';
import type { UsbDevice } from '../../collectors/usb/schema.js';
import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { matchInquiry } from './match-inquiry.js';
import { describeInterface, isBootKeyboard, isNonBootHid, usbEvidence } from './usb-facts.js';

/** ipkvm.hid-shape's confidence for keyboard + absolute pointer + storage: the second fact's own weight. */
const SHAPE_CONFIDENCE = 0.85;
const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * The KVM shape on the disk's own USB device: a keyboard (input kind or boot-keyboard interface) and an absolute
 * pointer (input kind) or a non-boot HID interface (where KVMs put theirs). Independent of names and ids.
 */
function kvmShape(snapshot: Snapshot, device: UsbDevice): string | null {
  const inputs = (snapshot.inputs?.devices ?? []).filter((i) => i.bus === 'usb' && i.usbPort === device.port);
  const keyboard = inputs.some((i) => i.kind === 'keyboard') || device.interfaces.some(isBootKeyboard);
  if (!keyboard) return null;
  if (inputs.some((i) => i.kind === 'pointer' && i.absolutePointer)) return 'keyboard + absolute pointer on the same USB device';
  if (device.interfaces.some(isNonBootHid)) return 'boot keyboard + non-boot HID on the same USB device';
  return null;
}

export const ipkvmVirtualMedia = defineRule({
  id: 'ipkvm.virtual-media',
  title: 'A USB disk names itself as an IP-KVM\'s virtual media',
  description:
    'A USB mass-storage unit whose SCSI inquiry vendor/model (Linux /sys/block/*/device, macOS IOSCSIPeripheralDeviceNub, ' +
    'Windows USBSTOR id) is the virtual media of an IP-KVM: PiKVM, GL.iNet Comet ("Glinet Flash Drive"), JetKVM ' +
    '("JetKVM Virtual Media"), NanoKVM. Owners who clone a donor keyboard\'s USB ids seldom change these strings. When the ' +
    'same USB device also has the KVM\'s HID shape (keyboard + absolute pointer), the two independent facts are combined.',
  severity: 'critical',
  weight: 0.95,
  group: 'ipkvm',
  attack: ['T1219.003', 'T1200'],
  falsePositives: [
    'A company-owned IP-KVM in a lab or server room (allow-list its catalog id)',
    'A real USB stick whose model is exactly "Flash Drive" (matched weakly, and only strongly with the KVM shape)',
  ],
  evaluate(snapshot) {
    const entries = deviceCatalogs().virtualMedia.entries;
    const out: Match[] = [];
    const seen = new Set<string>();
    for (const disk of snapshot.usb?.storage ?? []) {
      const best = matchInquiry(entries, disk);
      if (!best) continue;
      const device = disk.port === undefined ? undefined : snapshot.usb?.devices.find((d) => d.port === disk.port);
      const key = `${best.entry.kvm}|${disk.port ?? disk.source}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shape = device ? kvmShape(snapshot, device) : null;
      // Two independent facts: noisy-OR of the inquiry match and the shape.
      const confidence = shape ? round(Math.min(0.97, 1 - (1 - best.hit.confidence) * (1 - SHAPE_CONFIDENCE))) : best.hit.confidence;
      const evidence: Record<string, unknown> = {
        vendor: disk.vendor, model: disk.model, ...(disk.revision ? { revision: disk.revision } : {}), source: disk.source,
        catalog: best.entry.id, kvm: best.entry.kvm, matched: best.hit.matched, ...(best.hit.note ? { note: best.hit.note } : {}),
      };
      if (device) {
        evidence.usb = usbEvidence(device);
        evidence.interfaces = device.interfaces.map(describeInterface);
      }
      if (shape) evidence.corroboration = shape;
      const m: Match = { confidence, subject: best.entry.kvm, title: `${best.entry.name} is attached (USB disk inquiry strings)`, evidence };
      if (confidence < 0.85) m.severity = 'high';
      out.push(m);
    }
    return out;
  },
});
