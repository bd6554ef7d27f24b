import { classTriple, parsePnpUsbId, type PnpEntity } from '../usb/parse-pnp.js';
import type { InputDevice } from '../../schema/snapshot/inputs.js';

/**
 * HID usages Windows lists among a collection's hardware ids: HID_DEVICE_UP:000D_U:0002 pen, 0004 touch screen, 0005
 * touchpad. Real nodes carry them in HardwareID (CompatibleID is empty on HID collections); both are read.
 */
function digitizerKind(ids: readonly string[]): InputDevice['kind'] | undefined {
  for (const id of ids) {
    const m = /^HID_DEVICE_UP:000D_U:(000[245])$/i.exec(id);
    if (m) return m[1] === '0002' ? 'tablet' : m[1] === '0004' ? 'touchscreen' : 'touchpad';
  }
  return undefined;
}

const keyboardGuid = '{4d36e96b-e325-11ce-bfc1-08002be10318}';
const mouseGuid = '{4d36e96f-e325-11ce-bfc1-08002be10318}';
const hidGuid = '{745a17a0-74d3-11d0-b6fe-00a0c90f57da}';

/**
 * The node's device class, lower case. PNPClass when Windows gave one; else (Windows before 10 has no PNPClass) the
 * setup class GUID, else the driver service: kbdhid/mouhid drive only keyboard/mouse collections.
 */
function classOf(e: PnpEntity): string | undefined {
  if (e.pnpClass) return e.pnpClass.toLowerCase();
  const guid = e.classGuid?.toLowerCase();
  if (guid === keyboardGuid) return 'keyboard';
  if (guid === mouseGuid) return 'mouse';
  if (guid === hidGuid) return 'hidclass';
  const service = e.service?.toLowerCase();
  if (service === 'kbdhid') return 'keyboard';
  if (service === 'mouhid') return 'mouse';
  return undefined;
}

/** Bluetooth HID ids: "HID\{00001124-…}_VID&0002046d_PID&b342…" (classic) or "HID\{00001812-…}_Dev_VID&02046d_PID&b023…" (LE). */
function bluetoothIds(id: string): { vendorId: string; productId: string } | undefined {
  const m = /^HID\\\{0000(?:1124|1812)-[^}]+\}_(?:Dev_)?VID&0[0-9A-F]([0-9A-F]{4})_PID&([0-9A-F]{4})/i.exec(id);
  return m ? { vendorId: m[1]!.toLowerCase(), productId: m[2]!.toLowerCase() } : undefined;
}

function busOf(id: string): InputDevice['bus'] {
  // A keyboard-class node can be the USB device itself (a barcode scanner with its own keyboard driver).
  if (/^(HID|USB)\\VID_/i.test(id)) return 'usb';
  if (/^HID\\\{0000(1124|1812)-/i.test(id) || /^BTHENUM\\|^BTHLEDEVICE\\/i.test(id)) return 'bluetooth';
  if (/^ACPI\\/i.test(id)) return 'ps2';
  if (/^(ROOT|SWD|TS_USB|TERMINPUT_BUS)\\/i.test(id)) return 'virtual';
  if (/^HID\\/i.test(id)) return 'i2c';
  return 'other';
}

/** A pointer collection by its class or its usage ids: a mouse (Generic Desktop 0002) or a digitizer (page 000D). */
function isPointerCollection(e: PnpEntity): boolean {
  if (classOf(e) === 'mouse') return true;
  return e.hardwareIds.some((id) => /^HID_DEVICE_UP:0001_U:0002$|^HID_DEVICE_UP:000D_|^HID_DEVICE_SYSTEM_MOUSE$/i.test(id));
}

/**
 * Pure: PnP entities → input devices. Keyboard-class and Mouse-class nodes (kbdhid/mouhid, i8042prt, the RDP and
 * virtual ones) plus HID digitizer collections (pen, touch screen, touchpad). `usbPort` points at the USB device
 * node with the same VID/PID (the usb domain's port), when there is exactly one.
 *
 * Absolute pointers are best-effort: PnP does not expose a collection's X/Y flags. A mouse on a non-boot HID interface
 * (the MI_NN function's class is 03/00/00) that holds only pointer collections, as IP-KVMs present their absolute mouse
 * next to a boot mouse, is marked absolute with handler "non-boot-hid-mouse"; a mouse on a boot interface (03/01/02)
 * is relative, and so is a mouse collection sharing its interface with consumer or system-control collections: that
 * is a keyboard's multimedia-keys interface (a Logitech keyboard 046d:c30a puts a relative mouse there). Digitizers
 * are absolute.
 */
export function inputsFromPnp(entities: readonly PnpEntity[]): { devices: InputDevice[]; notes: string[] } {
  const usbNodes = new Map<string, string[]>();
  const usbFunctions = new Map<string, PnpEntity>();
  /** HID collections per USB interface ("vid:pid:mi"): the siblings a mouse collection shares its interface with. */
  const hidCollections = new Map<string, PnpEntity[]>();
  for (const e of entities) {
    const id = parsePnpUsbId(e.id);
    if (!id) continue;
    const key = `${id.vendorId}:${id.productId}`;
    if (/^HID\\/i.test(e.id)) {
      if (id.interfaceNumber === undefined) continue;
      const k = `${key}:${id.interfaceNumber}`;
      hidCollections.set(k, [...(hidCollections.get(k) ?? []), e]);
    } else if (id.interfaceNumber === undefined) usbNodes.set(key, [...(usbNodes.get(key) ?? []), e.id]);
    else usbFunctions.set(`${key}:${id.interfaceNumber}`, e);
  }
  const devices: InputDevice[] = [];
  let guessed = 0;
  let multimedia = 0;
  for (const e of entities) {
    const cls = classOf(e);
    const hidCollection = cls === 'hidclass' || (cls === undefined && /^HID\\/i.test(e.id));
    const digitizer = hidCollection ? digitizerKind([...e.hardwareIds, ...e.compatibleIds]) : undefined;
    if (cls !== 'keyboard' && cls !== 'mouse' && !digitizer) continue;
    const usbId = /^(HID|USB)\\VID_/i.test(e.id) ? parsePnpUsbId(e.id) : undefined;
    const ids = usbId ?? bluetoothIds(e.id);
    let kind: InputDevice['kind'] = digitizer ?? (cls === 'keyboard' ? 'keyboard' : 'pointer');
    if (kind === 'pointer' && /touch ?pad|precision/i.test(e.name ?? '')) kind = 'touchpad';
    const handlers = [e.service, usbId?.collection !== undefined ? `Col${String(usbId.collection).padStart(2, '0')}` : undefined]
      .filter((h): h is string => h !== undefined);
    let absolute = digitizer !== undefined && digitizer !== 'touchpad';
    if (kind === 'pointer' && usbId?.interfaceNumber !== undefined) {
      const fn = usbFunctions.get(`${usbId.vendorId}:${usbId.productId}:${usbId.interfaceNumber}`);
      const c = fn ? classTriple(fn.compatibleIds, 'Class') : undefined;
      const siblings = hidCollections.get(`${usbId.vendorId}:${usbId.productId}:${usbId.interfaceNumber}`) ?? [];
      const pointerOnly = siblings.every(isPointerCollection);
      if (c && c.class === 3 && c.subclass === 0 && pointerOnly) {
        absolute = true;
        guessed += 1;
        handlers.push('non-boot-hid-mouse');
      } else if (c && c.class === 3 && c.subclass === 0) multimedia += 1;
    }
    const nodes = usbId ? usbNodes.get(`${usbId.vendorId}:${usbId.productId}`) : undefined;
    devices.push({
      name: e.name ?? e.id, kind, absolutePointer: absolute, bus: busOf(e.id),
      ...(ids ? { vendorId: ids.vendorId, productId: ids.productId } : {}),
      ...(nodes?.length === 1 ? { usbPort: nodes[0]! } : {}),
      ...(handlers.length ? { handlers } : {}),
    });
  }
  const notes = ['absolute pointer on Windows is inferred (PnP hides HID X/Y flags): mouse collections alone on a non-boot HID interface count as absolute'];
  if (guessed) notes.push(`${guessed} pointer(s) marked absolute by that inference`);
  if (multimedia) notes.push(`${multimedia} mouse collection(s) on a non-boot interface beside consumer/system-control collections kept relative (a keyboard's multimedia-keys interface)`);
  return { devices, notes };
}
