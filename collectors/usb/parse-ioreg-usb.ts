import { io, type IoNode } from '../parse-ioreg.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';

/** IOUSBHostDevice "Device Speed": 0 low, 1 full, 2 high, 3 super, 4 super+ (IOUSBHostFamily), in Mbit/s. */
const SPEEDS = [1.5, 12, 480, 5000, 10000];

/** A USB location id as the port: "0x14100000", the same text for devices, interfaces and HID nodes. */
export function locationPort(locationId: number): string {
  return `0x${(locationId >>> 0).toString(16).padStart(8, '0')}`;
}

const hex4 = (n: number) => (n & 0xffff).toString(16).padStart(4, '0');

/** bcdDevice as lsusb prints it: 0x0100 → "1.00", 0x9b00 → "9b.00". */
export function bcdText(n: number): string {
  const h = hex4(n);
  return `${parseInt(h.slice(0, 2), 16).toString(16)}.${h.slice(2)}`;
}

/**
 * Devices from `ioreg -r -d 1 -c IOUSBHostDevice -l -w0` and their interfaces from
 * `ioreg -r -d 1 -c IOUSBHostInterface -l -w0`, joined by locationID (an interface carries its device's).
 */
export function usbFromIoreg(devices: readonly IoNode[], interfaces: readonly IoNode[]): { devices: UsbDevice[]; problems: string[] } {
  const problems: string[] = [];
  const byPort = new Map<string, UsbDevice>();
  for (const n of devices) {
    const vid = io.num(n, 'idVendor');
    const pid = io.num(n, 'idProduct');
    const loc = io.num(n, 'locationID');
    if (vid === undefined || pid === undefined || loc === undefined) {
      problems.push(`ioreg USB device "${n.name}" without idVendor/idProduct/locationID: skipped`);
      continue;
    }
    const port = locationPort(loc);
    if (byPort.has(port)) continue;
    const manufacturer = io.str(n, 'USB Vendor Name') ?? io.str(n, 'kUSBVendorString');
    const product = io.str(n, 'USB Product Name') ?? io.str(n, 'kUSBProductString') ?? (n.name || undefined);
    const serial = io.str(n, 'USB Serial Number') ?? io.str(n, 'kUSBSerialNumberString');
    const bcd = io.num(n, 'bcdDevice');
    const link = io.num(n, 'UsbLinkSpeed');
    const speed = link !== undefined ? link / 1e6 : SPEEDS[io.num(n, 'Device Speed') ?? -1];
    byPort.set(port, {
      port,
      vendorId: hex4(vid),
      productId: hex4(pid),
      ...(manufacturer ? { manufacturer: manufacturer.trim() } : {}),
      ...(product ? { product: product.trim() } : {}),
      ...(serial ? { serial: serial.trim() } : {}),
      deviceClass: (io.num(n, 'bDeviceClass') ?? 0) & 0xff,
      ...(bcd !== undefined ? { bcdDevice: bcdText(bcd) } : {}),
      ...(speed !== undefined ? { speedMbps: speed } : {}),
      interfaces: [],
    });
  }
  for (const n of interfaces) {
    const loc = io.num(n, 'locationID');
    const device = loc === undefined ? undefined : byPort.get(locationPort(loc));
    const number = io.num(n, 'bInterfaceNumber');
    const cls = io.num(n, 'bInterfaceClass');
    if (!device || number === undefined || cls === undefined) {
      problems.push(`ioreg USB interface "${n.name}" without a known device or class: skipped`);
      continue;
    }
    if (device.interfaces.some((i) => i.number === number)) continue;
    device.interfaces.push({
      number,
      class: cls & 0xff,
      subclass: (io.num(n, 'bInterfaceSubClass') ?? 0) & 0xff,
      protocol: (io.num(n, 'bInterfaceProtocol') ?? 0) & 0xff,
    });
  }
  for (const d of byPort.values()) d.interfaces.sort((a, b) => a.number - b.number);
  return { devices: [...byPort.values()].sort((a, b) => a.port.localeCompare(b.port)), problems };
}
