import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { matchInquiry } from './match-inquiry.js';
import { kvmShape, withShape } from './kvm-shape.js';
import { describeInterface, usbEvidence } from './usb-facts.js';

/** ipkvm.hid-shape's confidence for keyboard + absolute pointer + storage: the second fact's own weight. */
const SHAPE_CONFIDENCE = 0.85;

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
      // Two independent facts: noisy-OR of the inquiry match and the shape (the disk is the storage of that shape).
      const confidence = shape ? withShape(best.hit.confidence, SHAPE_CONFIDENCE) : best.hit.confidence;
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
