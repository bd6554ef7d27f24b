import type { InputDevice } from '../../schema/snapshot/inputs.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';
import { defineRule, type Match } from '../types.js';
import {
  describeInterface, isBootKeyboard, isMassStorage, isNonBootHid, networkFunction, usbEvidence,
} from './usb-facts.js';

/** Kinds that report absolute positions for honest reasons: a device with one of them never matches. */
const touchKinds = new Set<InputDevice['kind']>(['tablet', 'touchscreen', 'touchpad']);

/**
 * Graphics-tablet makers whose tablets ship a driver disk (mass storage) beside a keyboard (express keys) and a pen
 * interface: the interface-only shape cannot tell them from a KVM, so it skips them. Ids from usb.ids.
 */
const tabletVendors = new Set(['056a' /* Wacom */, '256c' /* Huion */, '28bd' /* XP-Pen */]);

interface Group { key: string; inputs: InputDevice[]; usb?: UsbDevice }

/** Input devices of one physical USB device, joined to its usb entry by port (or by ids when no port is known). */
function groupInputs(inputs: readonly InputDevice[], usb: readonly UsbDevice[]): Group[] {
  const groups = new Map<string, Group>();
  for (const input of inputs) {
    if (input.bus !== 'usb') continue;
    const key = input.usbPort ?? (input.vendorId && input.productId ? `${input.vendorId}:${input.productId}` : undefined);
    if (key === undefined) continue;
    let group = groups.get(key);
    if (!group) {
      const device = input.usbPort !== undefined
        ? usb.find((d) => d.port === input.usbPort)
        : usb.find((d) => d.vendorId === input.vendorId && d.productId === input.productId);
      group = device ? { key, inputs: [], usb: device } : { key, inputs: [] };
      groups.set(key, group);
    }
    group.inputs.push(input);
  }
  return [...groups.values()];
}

function extras(device: UsbDevice | undefined): { storage: boolean; network: string[] } {
  const interfaces = device?.interfaces ?? [];
  const network = interfaces.map(networkFunction).filter((n): n is string => n !== null);
  return { storage: interfaces.some(isMassStorage), network: [...new Set(network)] };
}

function fromInputs(group: Group): Match | null {
  if (group.inputs.some((i) => touchKinds.has(i.kind))) return null;
  const keyboard = group.inputs.find((i) => i.kind === 'keyboard');
  const pointer = group.inputs.find((i) => i.kind === 'pointer' && i.absolutePointer);
  const bootKeyboard = group.usb?.interfaces.some(isBootKeyboard) ?? false;
  if (!pointer || (!keyboard && !bootKeyboard)) return null;
  const { storage, network } = extras(group.usb);
  const evidence: Record<string, unknown> = {
    ...(group.usb ? usbEvidence(group.usb) : { port: group.key }),
    keyboard: keyboard?.name ?? 'HID boot keyboard interface',
    absolutePointer: pointer.name,
    massStorage: storage,
  };
  if (network.length > 0) evidence.network = network;
  if (group.usb) evidence.interfaces = group.usb.interfaces.map(describeInterface);
  if (storage || network.length > 0) return { confidence: 0.85, evidence };
  return {
    confidence: 0.5,
    severity: 'medium',
    title: 'One USB device acts as keyboard and absolute pointer',
    evidence,
  };
}

/** When input kinds are unknown (no inputs domain, or none for this device): boot keyboard + non-boot HID + storage. */
function fromInterfaces(device: UsbDevice): Match | null {
  if (tabletVendors.has(device.vendorId)) return null;
  const i = device.interfaces;
  if (!i.some(isBootKeyboard) || !i.some(isNonBootHid) || !i.some(isMassStorage)) return null;
  return {
    confidence: 0.6,
    title: 'One USB device offers keyboard, non-boot HID and mass storage (the IP-KVM interface shape)',
    evidence: { ...usbEvidence(device), interfaces: i.map(describeInterface), basis: 'usb interfaces only (input kinds unknown)' },
  };
}

export const ipkvmHidShape = defineRule({
  id: 'ipkvm.hid-shape',
  title: 'One USB device acts as keyboard and absolute pointer with storage or network',
  description:
    'One composite USB device is at once a keyboard and an absolute-position pointer, and also offers mass storage or a ' +
    'network function: the shape of an IP-KVM (PiKVM, TinyPilot, JetKVM, NanoKVM) even when its names and ids were ' +
    'changed to copy an ordinary keyboard. Keyboard and absolute pointer alone is reported weaker. Tablets, ' +
    'touchscreens and touchpads never match.',
  severity: 'high',
  weight: 0.85,
  group: 'ipkvm',
  attack: ['T1219.003', 'T1200'],
  falsePositives: [
    'KVM switches and some docking stations that emulate keyboard and absolute mouse',
    'Presentation remotes or accessibility devices that report absolute positions',
    'Graphics tablets with a driver disk from makers not listed, and keyboards with a built-in card reader, when input kinds are unknown',
  ],
  evaluate(snapshot) {
    const usb = snapshot.usb?.devices ?? [];
    const out: Match[] = [];
    const covered = new Set<UsbDevice>();
    for (const group of groupInputs(snapshot.inputs?.devices ?? [], usb)) {
      if (group.usb) covered.add(group.usb);
      const m = fromInputs(group);
      if (m) out.push(m);
    }
    for (const device of usb) {
      if (covered.has(device)) continue;
      const m = fromInterfaces(device);
      if (m) out.push(m);
    }
    return out;
  },
});
