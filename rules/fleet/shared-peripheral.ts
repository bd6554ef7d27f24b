import { declareRule } from '../types.js';
import type { DeviceCatalogs } from '../device/catalogs.js';
import { isKeyedHash, type SharedDecision } from './shared-operator.js';

/**
 * fleet.shared-peripheral: one monitor (EDID serial), one USB keyboard or mouse, or one KVM (its USB serial) on several
 * laptops within one window, away from the company's offices. A farm's desk moves one screen and one keyboard from
 * laptop to laptop, or drives them all through one KVM; an office's hot desks, docks and meeting-room displays do the
 * same by design, so reports from office networks are not counted.
 */
export const sharedPeripheralRule = declareRule({
  id: 'fleet.shared-peripheral',
  runs: 'fleet',
  title: 'One monitor, keyboard, mouse or KVM on several laptops',
  description:
    'The same peripheral serial (monitor EDID serial, USB keyboard/mouse serial or a KVM\'s USB serial, as keyed hashes) on at least minDevices laptops within windowHours, outside officeNetworks. A serial seen on more than maxDevices laptops or at more than maxPlaces places is a vendor default and is ignored.',
  severity: 'high',
  weight: 0.7,
  group: 'fleet',
  attack: ['T1219', 'T1200'],
  falsePositives: [
    'A hot desk or dock at a site not listed in officeNetworks',
    'A monitor or keyboard handed from one employee to another within the window',
    'A vendor that gives every unit the same serial, on few enough laptops to stay under maxDevices',
  ],
});

export type PeripheralKind = 'monitor' | 'keyboard' | 'mouse' | 'kvm';

export interface PeripheralSighting {
  kind: PeripheralKind;
  value: string;
}

/**
 * Serials that name a model or nothing, not a unit: empty, one repeated character (all zero, all F), counting runs
 * ("0123456789", "123456"), and placeholder words. The agent leaves these out of the hashing (they stay in clear,
 * and the server matches only hashes), as it drops virtual-router MACs.
 */
export function isGenericSerial(raw: string | number | undefined | null): boolean {
  if (raw === undefined || raw === null) return true;
  const s = String(raw).trim().toLowerCase().replace(/[\s_.:-]/g, '');
  if (s.length < 4) return true;
  if (/^(.)\1*$/.test(s)) return true;
  if ('0123456789abcdefghijklmnopqrstuvwxyz'.includes(s) || '9876543210'.includes(s)) return true;
  if (/^(serial|serialnumber|none|null|na|default|tobefilledbyoem|0x0+|unknown|123456789?0?)$/.test(s)) return true;
  return false;
}

/** Serials the hardware catalogs list (kvmd's "CAFEBABE", cloned monitor serials): public defaults, not units. */
export function catalogSerials(catalogs: DeviceCatalogs): Set<string> {
  const out = new Set<string>();
  const add = (v: string | undefined) => v && out.add(v.trim().toLowerCase());
  for (const e of catalogs.ipkvm.entries) {
    for (const p of e.usb) add(p.serial);
    for (const p of e.edid) add(p.serialText);
  }
  for (const e of catalogs.jigglers.entries) for (const p of e.usb) add(p.serial);
  for (const e of catalogs.virtualDisplays.entries) for (const p of e.edid) add(p.serialText);
  return out;
}

/** What the agent hashes for a monitor: the model and the serial, so two vendors' equal serials stay apart. */
export const edidSerialInput = (manufacturerId: string, productCode: number, serial: string | number): string => `edid:${manufacturerId}:${productCode}:${String(serial).trim().toLowerCase()}`;
/** What the agent hashes for a USB device's serial. */
export const usbSerialInput = (vendorId: string, productId: string, serial: string): string => `usb:${vendorId}:${productId}:${serial.trim().toLowerCase()}`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown, max: number): Obj[] => (Array.isArray(v) ? v.slice(0, max).filter(isObj) : []);

/**
 * The peripherals of a report's snapshot whose serials arrived hashed: external monitors (EDID serial), USB devices
 * with a HID keyboard or mouse interface, and KVMs (a USB device whose inputs include an absolute pointer and a
 * keyboard, as IP-KVMs and KVM switches present themselves). Read defensively: the snapshot is the laptop's word.
 */
export function peripheralSightingsOf(snapshot: unknown): PeripheralSighting[] {
  if (!isObj(snapshot)) return [];
  const out = new Map<string, PeripheralSighting>();
  const add = (kind: PeripheralKind, value: unknown) => {
    if (isKeyedHash(value) && !out.has(value)) out.set(value, { kind, value });
  };
  const displays = isObj(snapshot.displays) ? snapshot.displays : {};
  for (const c of listOf(displays.connectors, 32)) {
    if (c.builtin === true || !isObj(c.edid)) continue;
    add('monitor', c.edid.serialText);
  }
  const usb = isObj(snapshot.usb) ? snapshot.usb : {};
  const inputs = listOf(isObj(snapshot.inputs) ? snapshot.inputs.devices : undefined, 256);
  for (const d of listOf(usb.devices, 256)) {
    if (!isKeyedHash(d.serial)) continue;
    const hid = listOf(d.interfaces, 32).filter((i) => i.class === 3);
    const keyboard = hid.some((i) => i.protocol === 1);
    const mouse = hid.some((i) => i.protocol === 2);
    const mine = inputs.filter((i) => typeof d.port === 'string' && i.usbPort === d.port);
    const absolute = mine.some((i) => i.absolutePointer === true);
    if (absolute && (keyboard || mine.some((i) => i.kind === 'keyboard'))) add('kvm', d.serial);
    else if (keyboard) add('keyboard', d.serial);
    else if (mouse) add('mouse', d.serial);
  }
  return [...out.values()].slice(0, 64);
}

export interface PeripheralPolicy {
  minDevices: number;
  /** Beyond this many laptops a serial is a vendor default. */
  maxDevices: number;
  /** Beyond this many distinct places (source addresses) a serial is a vendor default. */
  maxPlaces: number;
  windowHours: number;
}

export const defaultPeripheralPolicy: PeripheralPolicy = { minDevices: 2, maxDevices: 8, maxPlaces: 8, windowHours: 24 };

/**
 * Given the laptops that saw one peripheral within the window, the number of laptops that ever saw it, and the
 * places it was seen at, the alert to open or update; null below minDevices or when it is a vendor default.
 */
export function decideSharedPeripheral(
  sighting: PeripheralSighting,
  membersInWindow: readonly string[],
  everDevices: number,
  places: number,
  policy: PeripheralPolicy = defaultPeripheralPolicy,
): SharedDecision | null {
  const deviceIds = [...new Set(membersInWindow)].sort();
  if (deviceIds.length < policy.minDevices) return null;
  if (isVendorDefault(everDevices, places, policy)) return null;
  return {
    deviceIds,
    summary: `${deviceIds.length} laptops used one ${sighting.kind} within ${policy.windowHours} h`,
    evidence: { keys: [{ kind: sighting.kind, value: sighting.value }], windowHours: policy.windowHours, devicesInWindow: deviceIds.length, devicesEver: everDevices, placeCount: places },
  };
}

export const isVendorDefault = (everDevices: number, places: number, policy: PeripheralPolicy = defaultPeripheralPolicy): boolean =>
  everDevices > policy.maxDevices || places > policy.maxPlaces;
