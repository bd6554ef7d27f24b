import type { UsbDevice } from '../../schema/snapshot/usb.js';
import { usbId } from './parse-sysfs.js';

type UsbInterface = UsbDevice['interfaces'][number];

export interface LsusbResult {
  devices: UsbDevice[];
  /** Devices that could not be read, each with the reason (counted, never silently dropped). */
  problems: string[];
}

const header = /^Bus (\d{3}) Device (\d{3}): ID ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})/;

/** "  iProduct   2 USB Emulation Device" → "USB Emulation Device"; an index with no text → undefined. */
function stringDescriptor(value: string): string | undefined {
  const m = /^\d+\s?(.*)$/.exec(value);
  const text = m?.[1]?.trim();
  return text ? text : undefined;
}

function leadingNumber(value: string): number | undefined {
  const m = /^(\d+)/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= 255 ? n : undefined;
}

/** "High Speed (480Mbps)", "SuperSpeed (5Gbps)", "Low Speed (1.5Mbps)" → Mbit/s. */
function speedMbps(line: string): number | undefined {
  const m = /\(([\d.]+)\s*([MG])bps\)/i.exec(line);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2]!.toUpperCase() === 'G' ? 1000 : 1);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Parses `lsusb -v` text (usbutils, LC_ALL=C). The port is lsusb's own "bus:device" address ("007:003"):
 * lsusb -v does not print the topology path that sysfs names give, so these ports do not match inputs' usbPort.
 * Only the first configuration and each interface's first alternate setting are kept, as sysfs shows them.
 */
export function parseLsusb(text: string): LsusbResult {
  const devices: UsbDevice[] = [];
  const problems: string[] = [];
  const blocks: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (header.test(line)) blocks.push([line]);
    else blocks.at(-1)?.push(line);
  }
  for (const block of blocks) {
    const result = parseBlock(block);
    if ('device' in result) devices.push(result.device);
    else problems.push(result.problem);
  }
  return { devices, problems };
}

function parseBlock(lines: string[]): { device: UsbDevice } | { problem: string } {
  const [, bus, dev, hv, hp] = header.exec(lines[0]!)!;
  const port = `${bus}:${dev}`;
  const fields = new Map<string, string>();
  const interfaces: UsbInterface[] = [];
  let section = '';
  let configs = 0;
  let iface: Map<string, string> | undefined;
  let speed: number | undefined;
  const flush = () => {
    if (!iface) return;
    const number = leadingNumber(iface.get('bInterfaceNumber') ?? '');
    const cls = leadingNumber(iface.get('bInterfaceClass') ?? '');
    const subclass = leadingNumber(iface.get('bInterfaceSubClass') ?? '');
    const protocol = leadingNumber(iface.get('bInterfaceProtocol') ?? '');
    if (number !== undefined && cls !== undefined && subclass !== undefined && protocol !== undefined &&
      !interfaces.some((i) => i.number === number)) {
      interfaces.push({ number, class: cls, subclass, protocol });
    }
    iface = undefined;
  };
  for (const line of lines.slice(1)) {
    if (/^\S/.test(line)) {
      flush();
      section = line.replace(/:.*$/, '');
      if (/^Negotiated speed/i.test(line)) speed = speedMbps(line);
      continue;
    }
    if (section !== 'Device Descriptor') continue;
    if (/^ {2}Configuration Descriptor:/.test(line)) { flush(); configs += 1; continue; }
    if (/^ {4}\S/.test(line)) {
      flush();
      if (configs <= 1 && /^ {4}Interface Descriptor:/.test(line)) iface = new Map();
      continue;
    }
    const m = /^( +)(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, indent, key, value] = m;
    if (indent!.length === 2 && configs === 0) fields.set(key!, value!);
    else if (indent!.length === 6 && iface && !iface.has(key!)) iface.set(key!, value!);
  }
  flush();
  const vendorId = usbId(fields.get('idVendor')?.split(/\s/)[0]) ?? usbId(hv);
  const productId = usbId(fields.get('idProduct')?.split(/\s/)[0]) ?? usbId(hp);
  const deviceClass = leadingNumber(fields.get('bDeviceClass') ?? '');
  if (vendorId === undefined || productId === undefined || deviceClass === undefined) {
    return { problem: `lsusb ${port} skipped: no device descriptor (bDeviceClass) in the output` };
  }
  interfaces.sort((a, b) => a.number - b.number);
  const device: UsbDevice = { port, vendorId, productId, deviceClass, interfaces };
  const optional = {
    manufacturer: stringDescriptor(fields.get('iManufacturer') ?? ''),
    product: stringDescriptor(fields.get('iProduct') ?? ''),
    serial: stringDescriptor(fields.get('iSerial') ?? ''),
    bcdDevice: /^\d+\.\d+$/.test(fields.get('bcdDevice')?.trim() ?? '') ? fields.get('bcdDevice')!.trim() : undefined,
    speedMbps: speed,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (device as Record<string, unknown>)[k] = v;
  return { device };
}
