import { asArray, asRecord, bool, str } from '../win32/ps-json.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';

/** One Win32_PnPEntity row of the inventory's `pnp` section. */
export interface PnpEntity {
  id: string;
  name?: string;
  pnpClass?: string;
  service?: string;
  /** Setup class GUID: names the class where `pnpClass` is empty (Windows before 10 has no PNPClass property). */
  classGuid?: string;
  /** HardwareID: a HID collection's usage ids (HID_DEVICE_UP:000D_U:0004, HID_DEVICE_SYSTEM_MOUSE) live here. */
  hardwareIds: string[];
  /** CompatibleID: a USB function's class ids (USB\Class_03&SubClass_01&Prot_02); empty on HID collections. */
  compatibleIds: string[];
  busDesc?: string;
}

const strings = (v: unknown): string[] => asArray(v).map(str).filter((x): x is string => x !== undefined);

export function pnpEntities(section: unknown): { entities: PnpEntity[]; absent: number; busDescError?: string } {
  const s = asRecord(section) ?? {};
  const entities: PnpEntity[] = [];
  let absent = 0;
  for (const row of asArray(s.devices)) {
    const d = asRecord(row);
    const id = str(d?.id);
    if (!d || !id) continue;
    if (bool(d.present) === false) {
      absent += 1;
      continue;
    }
    const name = str(d.name), pnpClass = str(d.class), service = str(d.service), busDesc = str(d.busDesc), classGuid = str(d.classGuid);
    entities.push({
      id, hardwareIds: strings(d.hardwareIds), compatibleIds: strings(d.compatibleIds),
      ...(name ? { name } : {}), ...(pnpClass ? { pnpClass } : {}), ...(service ? { service } : {}),
      ...(classGuid ? { classGuid } : {}), ...(busDesc ? { busDesc } : {}),
    });
  }
  const busDescError = str(s.busDescError);
  return { entities, absent, ...(busDescError ? { busDescError } : {}) };
}

export interface PnpUsbId {
  vendorId: string;
  productId: string;
  /** MI_NN: the interface number of a composite device's function. */
  interfaceNumber?: number;
  /** ColNN: one top-level collection of a HID interface. */
  collection?: number;
  /** The last path segment: the device's serial, or a Windows-made id (it contains "&"). */
  instance: string;
}

/**
 * "USB\VID_1D6B&PID_0104\CAFEBABE", "USB\VID_1D6B&PID_0104&MI_02\7&2a…&0&0002",
 * "HID\VID_1D6B&PID_0104&MI_01&Col02\8&…" → ids (lower-case hex), interface and collection numbers.
 */
export function parsePnpUsbId(id: string): PnpUsbId | undefined {
  const m = /^(?:USB|HID)\\VID_([0-9A-F]{4})&PID_([0-9A-F]{4})((?:&(?:Col[0-9A-F]{2}|[A-Z]+_[0-9A-F]+))*)\\(.*)$/i.exec(id);
  if (!m) return undefined;
  const mi = /&MI_([0-9A-F]{2})/i.exec(m[3]!);
  const col = /&Col([0-9A-F]{2})/i.exec(m[3]!);
  return {
    vendorId: m[1]!.toLowerCase(), productId: m[2]!.toLowerCase(), instance: m[4]!,
    ...(mi ? { interfaceNumber: parseInt(mi[1]!, 16) } : {}), ...(col ? { collection: parseInt(col[1]!, 16) } : {}),
  };
}

/** "USB\Class_03&SubClass_01&Prot_01" → class triple; "USB\DevClass_EF&SubClass_02&Prot_01" (device level) likewise. */
export function classTriple(ids: readonly string[], prefix: 'Class' | 'DevClass'): { class: number; subclass: number; protocol: number } | undefined {
  const re = new RegExp(`^USB\\\\${prefix}_([0-9A-F]{2})&SubClass_([0-9A-F]{2})&Prot_([0-9A-F]{2})$`, 'i');
  for (const id of ids) {
    const m = re.exec(id);
    if (m) return { class: parseInt(m[1]!, 16), subclass: parseInt(m[2]!, 16), protocol: parseInt(m[3]!, 16) };
  }
  return undefined;
}

/**
 * Pure: PnP entities → USB devices. A device node (USB\VID&PID\instance, no MI_) is a device; its composite functions
 * (…&MI_NN) are its interfaces, with class bytes from their compatible ids (USB\Class_cc&SubClass_ss&Prot_pp). A
 * single-function device has no MI_ node: its own compatible ids carry the one interface's class. Root hubs have no
 * VID/PID in their id (USB\ROOT_HUB30) and are left out. `port` is the device's instance id: the stable key inputs use.
 * `product` is the device's own iProduct string (DEVPKEY_Device_BusReportedDeviceDesc) when Windows had it, never
 * the generic driver name ("USB Composite Device").
 */
export function usbFromPnp(entities: readonly PnpEntity[]): { devices: UsbDevice[]; notes: string[] } {
  const notes: string[] = [];
  const functions = new Map<string, { n: number; e: PnpEntity }[]>();
  const nodes: { e: PnpEntity; id: PnpUsbId }[] = [];
  for (const e of entities) {
    if (!/^USB\\/i.test(e.id)) continue;
    const id = parsePnpUsbId(e.id);
    if (!id) continue;
    const key = `${id.vendorId}:${id.productId}`;
    if (id.interfaceNumber !== undefined) {
      const list = functions.get(key) ?? [];
      list.push({ n: id.interfaceNumber, e });
      functions.set(key, list);
    } else nodes.push({ e, id });
  }
  const devices: UsbDevice[] = [];
  const perIds = new Map<string, number>();
  for (const { id } of nodes) perIds.set(`${id.vendorId}:${id.productId}`, (perIds.get(`${id.vendorId}:${id.productId}`) ?? 0) + 1);
  for (const { e, id } of nodes) {
    const key = `${id.vendorId}:${id.productId}`;
    const devClass = classTriple(e.compatibleIds, 'DevClass');
    const own = classTriple(e.compatibleIds, 'Class');
    const interfaces: UsbDevice['interfaces'] = [];
    const seen = new Set<number>();
    for (const f of (functions.get(key) ?? []).sort((a, b) => a.n - b.n)) {
      const c = classTriple(f.e.compatibleIds, 'Class');
      if (!c || seen.has(f.n)) continue;
      seen.add(f.n);
      interfaces.push({ number: f.n, ...c, ...(f.e.service ? { driver: f.e.service } : {}) });
    }
    if (interfaces.length === 0 && own) interfaces.push({ number: 0, ...own, ...(e.service ? { driver: e.service } : {}) });
    if ((perIds.get(key) ?? 0) > 1 && functions.has(key)) {
      notes.push(`${perIds.get(key)} devices ${key}: PnP ids do not say which functions belong to which, each lists all`);
    }
    const serial = id.instance.includes('&') ? undefined : id.instance;
    devices.push({
      port: e.id, vendorId: id.vendorId, productId: id.productId,
      ...(e.busDesc ? { product: e.busDesc } : {}), ...(serial ? { serial } : {}),
      deviceClass: devClass?.class ?? 0, interfaces,
    });
  }
  devices.sort((a, b) => a.port.localeCompare(b.port));
  return { devices, notes };
}
