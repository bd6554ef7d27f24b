import type { UsbDevice } from '../../schema/snapshot/usb.js';

type UsbInterface = UsbDevice['interfaces'][number];

/** The sysfs attribute files read for one USB device (/sys/bus/usb/devices/<port>/<attr>). */
export const deviceAttrs = [
  'idVendor', 'idProduct', 'manufacturer', 'product', 'serial', 'bDeviceClass', 'bcdDevice', 'speed',
] as const;
/** The attribute files read for one interface (/sys/bus/usb/devices/<port>:<cfg>.<n>/<attr>). */
export const interfaceAttrs = ['bInterfaceNumber', 'bInterfaceClass', 'bInterfaceSubClass', 'bInterfaceProtocol'] as const;

export type DeviceAttrs = Partial<Record<(typeof deviceAttrs)[number], string>>;
export type InterfaceAttrs = Partial<Record<(typeof interfaceAttrs)[number], string>>;

export interface RawUsbInterface { name: string; attrs: InterfaceAttrs; driver?: string }
export interface RawUsbDevice { port: string; attrs: DeviceAttrs; interfaces: RawUsbInterface[] }

/** "1-2", "1-2.3", "usb1" are devices; "1-2:1.0" is an interface (of "1-2"); anything else is not ours. */
export function classifySysfsName(name: string): { device: string } | { interfaceOf: string } | undefined {
  const iface = /^(\d+-[\d.]+):\d+\.\d+$/.exec(name);
  // A root hub "usbN" names its interface "N-0:1.0".
  if (iface) return { interfaceOf: iface[1]!.replace(/^(\d+)-0$/, 'usb$1') };
  if (/^\d+-\d+(?:\.\d+)*$/.test(name) || /^usb\d+$/.test(name)) return { device: name };
  return undefined;
}

/** A USB id as four lower-case hex digits; sysfs writes "1d6b", lsusb "0x1d6b". Anything else is undefined. */
export function usbId(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase().replace(/^0x/, '');
  return v !== undefined && /^[0-9a-f]{4}$/.test(v) ? v : undefined;
}

/** A byte-sized number in the given radix (sysfs class files are hex, "bInterfaceNumber" is hex too). */
export function byteValue(value: string | undefined, radix: 10 | 16): number | undefined {
  const v = value?.trim();
  if (v === undefined || !(radix === 16 ? /^[0-9a-fA-F]{1,2}$/ : /^\d{1,3}$/).test(v)) return undefined;
  const n = Number.parseInt(v, radix);
  return n <= 255 ? n : undefined;
}

/** sysfs bcdDevice "0510" → "5.10", the form lsusb prints. */
export function bcdFromSysfs(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (v === undefined || !/^[0-9a-fA-F]{4}$/.test(v)) return undefined;
  return `${Number.parseInt(v.slice(0, 2), 16).toString(16)}.${v.slice(2).toLowerCase()}`;
}

function text(value: string | undefined): string | undefined {
  const v = value?.replace(/\0+$/, '').trim();
  return v ? v : undefined;
}

/**
 * One device from its sysfs attribute texts. A missing or malformed id or class leaves no device
 * (`problem` says why) rather than a guess; a malformed interface is dropped and named in `problems`.
 */
export function usbDeviceFromSysfs(raw: RawUsbDevice): { device?: UsbDevice; problems: string[] } {
  const problems: string[] = [];
  const vendorId = usbId(raw.attrs.idVendor);
  const productId = usbId(raw.attrs.idProduct);
  const deviceClass = byteValue(raw.attrs.bDeviceClass, 16);
  if (vendorId === undefined || productId === undefined || deviceClass === undefined) {
    const bad = [
      vendorId === undefined ? `idVendor=${JSON.stringify(raw.attrs.idVendor ?? null)}` : '',
      productId === undefined ? `idProduct=${JSON.stringify(raw.attrs.idProduct ?? null)}` : '',
      deviceClass === undefined ? `bDeviceClass=${JSON.stringify(raw.attrs.bDeviceClass ?? null)}` : '',
    ].filter(Boolean);
    return { problems: [`usb ${raw.port} skipped: unreadable ${bad.join(', ')}`] };
  }
  const interfaces: UsbInterface[] = [];
  for (const iface of raw.interfaces) {
    const number = byteValue(iface.attrs.bInterfaceNumber, 16);
    const cls = byteValue(iface.attrs.bInterfaceClass, 16);
    const subclass = byteValue(iface.attrs.bInterfaceSubClass, 16);
    const protocol = byteValue(iface.attrs.bInterfaceProtocol, 16);
    if (number === undefined || cls === undefined || subclass === undefined || protocol === undefined) {
      problems.push(`usb interface ${iface.name} skipped: unreadable class or number`);
      continue;
    }
    interfaces.push({ number, class: cls, subclass, protocol, ...(iface.driver ? { driver: iface.driver } : {}) });
  }
  interfaces.sort((a, b) => a.number - b.number);
  const speed = Number.parseFloat(raw.attrs.speed ?? '');
  const optional = {
    manufacturer: text(raw.attrs.manufacturer),
    product: text(raw.attrs.product),
    serial: text(raw.attrs.serial),
    bcdDevice: bcdFromSysfs(raw.attrs.bcdDevice),
    speedMbps: Number.isFinite(speed) && speed > 0 ? speed : undefined,
  };
  const device: UsbDevice = { port: raw.port, vendorId, productId, deviceClass, interfaces };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (device as Record<string, unknown>)[k] = v;
  return { device, problems };
}
