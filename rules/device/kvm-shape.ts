import type { Snapshot } from '../../schema/snapshot/index.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';
import { isBootKeyboard, isNonBootHid } from './usb-facts.js';

/**
 * The KVM shape on one USB device, as a second fact beside a catalog match: a keyboard (input kind or boot-keyboard
 * interface) and an absolute pointer (input kind) or a non-boot HID interface (where KVMs put theirs). Independent of
 * names and ids. null when the device does not have it.
 */
export function kvmShape(snapshot: Snapshot, device: UsbDevice): string | null {
  const inputs = (snapshot.inputs?.devices ?? []).filter((i) => i.bus === 'usb' && i.usbPort === device.port);
  if (inputs.some((i) => i.kind === 'tablet' || i.kind === 'touchscreen' || i.kind === 'touchpad')) return null;
  const keyboard = inputs.some((i) => i.kind === 'keyboard') || device.interfaces.some(isBootKeyboard);
  if (!keyboard) return null;
  if (inputs.some((i) => i.kind === 'pointer' && i.absolutePointer)) return 'keyboard + absolute pointer on the same USB device';
  if (device.interfaces.some(isNonBootHid)) return 'boot keyboard + non-boot HID on the same USB device';
  return null;
}

/** Two independent facts: noisy-OR of a catalog match and the shape (ipkvm.hid-shape's keyboard + pointer confidence). */
export function withShape(confidence: number, shapeConfidence: number): number {
  return Math.round(Math.min(0.97, 1 - (1 - confidence) * (1 - shapeConfidence)) * 100) / 100;
}
