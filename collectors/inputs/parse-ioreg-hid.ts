import { io, type IoNode, type IoValue } from '../parse-ioreg.js';
import type { InputDevice } from '../../schema/snapshot/inputs.js';

/**
 * Pure: input devices from `ioreg -r -d 1 -c IOHIDDevice -l -w0` nodes. Kinds come from DeviceUsagePairs
 * (HID Usage Tables: Generic Desktop 1/6 keyboard, 1/7 keypad, 1/2 mouse, 1/1 pointer; Digitizer page 0x0d).
 * `absolutePointer` comes from the ReportDescriptor bytes (an Input item carrying X/Y without the Relative bit, HID 1.11 §6.2.2.5);
 * without a descriptor it is best-effort: true only for digitizers.
 */
const GENERIC_DESKTOP = 0x01, DIGITIZER = 0x0d;

/** Walks HID short items; true when an Input item of Generic Desktop X or Y is data (flag bit 0 clear) and absolute (bit 2 clear). */
export function hasAbsoluteXY(desc: Uint8Array): boolean {
  let usagePage = 0;
  let usages: number[] = [];
  for (let i = 0; i < desc.length;) {
    const prefix = desc[i]!;
    if (prefix === 0xfe) { i += 3 + (desc[i + 1] ?? 0); continue; } // long item: skip
    const size = [0, 1, 2, 4][prefix & 0x03]!;
    let value = 0;
    for (let b = 0; b < size; b += 1) value |= (desc[i + 1 + b] ?? 0) << (8 * b);
    const tag = prefix & 0xfc;
    if (tag === 0x04) usagePage = value; // Usage Page (global)
    else if (tag === 0x08) usages.push(size === 4 ? value >>> 0 : (usagePage << 16) | value); // Usage (local)
    else if (tag === 0x80) { // Input (main)
      const xy = usages.some((u) => u === ((GENERIC_DESKTOP << 16) | 0x30) || u === ((GENERIC_DESKTOP << 16) | 0x31));
      if (xy && (value & 0x05) === 0) return true;
      usages = [];
    } else if ((tag & 0x0c) === 0x00) usages = []; // any other main item ends the local state
    i += 1 + size;
  }
  return false;
}

function usagePairs(n: IoNode): [number, number][] {
  const pairs: [number, number][] = [];
  const raw = n.props.DeviceUsagePairs;
  if (Array.isArray(raw)) {
    for (const p of raw as IoValue[]) {
      const d = p as Record<string, IoValue>;
      if (typeof d?.DeviceUsagePage === 'number' && typeof d.DeviceUsage === 'number') pairs.push([d.DeviceUsagePage, d.DeviceUsage]);
    }
  }
  const page = io.num(n, 'PrimaryUsagePage'), usage = io.num(n, 'PrimaryUsage');
  if (page !== undefined && usage !== undefined && !pairs.some(([a, b]) => a === page && b === usage)) pairs.push([page, usage]);
  return pairs;
}

function busOf(n: IoNode): InputDevice['bus'] {
  const t = (io.str(n, 'Transport') ?? '').toLowerCase();
  if (n.className === 'IOHIDUserDevice' || t === 'virtual') return 'virtual'; // made by software (remote-control tools, remappers)
  if (t === 'usb') return 'usb';
  if (t.startsWith('bluetooth')) return 'bluetooth';
  if (t === 'i2c') return 'i2c';
  return 'other'; // SPI/FIFO/AID: built-in keyboards and trackpads
}

const hex4 = (v: number) => (v & 0xffff).toString(16).padStart(4, '0');

export function inputsFromIoreg(nodes: readonly IoNode[]): { devices: InputDevice[]; ignored: number; bestEffort: number } {
  const devices: InputDevice[] = [];
  let ignored = 0, bestEffort = 0;
  for (const n of nodes) {
    const pairs = usagePairs(n);
    const has = (page: number, usages: number[]) => pairs.some(([p, u]) => p === page && usages.includes(u));
    const kinds = new Set<InputDevice['kind']>();
    const name = (io.str(n, 'Product') ?? n.name).trim();
    const builtinTouch = /trackpad|touch ?pad/i.test(name);
    if (has(GENERIC_DESKTOP, [6, 7])) kinds.add('keyboard');
    if (has(GENERIC_DESKTOP, [1, 2])) kinds.add(builtinTouch ? 'touchpad' : 'pointer');
    if (has(DIGITIZER, [4])) kinds.add('touchscreen');
    else if (has(DIGITIZER, [5])) kinds.add('touchpad');
    else if (has(DIGITIZER, [1, 2, 3])) kinds.add('tablet');
    if (kinds.size === 0) { ignored += 1; continue; } // consumer keys, vendor pages, sensors: not input we judge
    const desc = io.data(n, 'ReportDescriptor');
    let absolute: boolean;
    if (desc && desc.length) absolute = hasAbsoluteXY(desc);
    else { absolute = has(DIGITIZER, [1, 2, 3, 4]); bestEffort += 1; }
    const vid = io.num(n, 'VendorID'), pid = io.num(n, 'ProductID'), loc = io.num(n, 'LocationID');
    const bus = busOf(n);
    for (const kind of kinds) {
      devices.push({
        name,
        kind,
        absolutePointer: kind === 'keyboard' ? false : absolute,
        bus,
        ...(vid !== undefined ? { vendorId: hex4(vid) } : {}),
        ...(pid !== undefined ? { productId: hex4(pid) } : {}),
        ...(bus === 'usb' && loc !== undefined ? { usbPort: `0x${(loc >>> 0).toString(16).padStart(8, '0')}` } : {}),
      });
    }
  }
  return { devices, ignored, bestEffort };
}
