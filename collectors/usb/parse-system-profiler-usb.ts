import { bcdText } from './parse-ioreg-usb.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';

/**
 * Pure parser of `system_profiler -json SPUSBDataType` (macOS ≤ 15 schema): a tree of buses whose `_items` are
 * devices, each with vendor_id "0x18d1  (Google Inc.)" or "apple_vendor_id", product_id, location_id "0x00112000 / 3",
 * bcd_device "5.10", device_speed, manufacturer, serial_num. It has no interface descriptors: interfaces stay empty.
 * macOS 26 leaves SPUSBDataType empty and lists the same tree under `SPUSBHostDataType` with other keys:
 * USBDeviceKeyVendorID "0x1a86", USBDeviceKeyProductID, USBKeyLocationID "0x01100000", USBDeviceKeyProductVersion
 * "0x8134" (bcdDevice as hex), USBDeviceKeyLinkSpeed "12 Mb/s" / "5 Gb/s", USBDeviceKeyVendorName,
 * USBDeviceKeySerialNumber ("Not Provided" when absent). Both are read; a document may hold either or both.
 */
const SPEEDS: Record<string, number> = {
  low_speed: 1.5, full_speed: 12, high_speed: 480, super_speed: 5000, super_speed_plus: 10000,
};

interface SpItem { [key: string]: unknown; _items?: SpItem[] }

function hexId(text: unknown): string | undefined {
  if (text === 'apple_vendor_id') return '05ac'; // system_profiler names Apple instead of printing 0x05ac
  const m = /^0x([0-9a-f]{1,4})\b/i.exec(String(text ?? '').trim());
  return m ? m[1]!.toLowerCase().padStart(4, '0') : undefined;
}

/** Link speed as printed by SPUSBHostDataType: "480 Mb/s", "5 Gb/s", "1.5 Mb/s". */
function linkSpeed(text: unknown): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(M|G)b\/s\s*$/.exec(String(text ?? ''));
  return m ? Number(m[1]) * (m[2] === 'G' ? 1000 : 1) : undefined;
}

/** USBDeviceKeyProductVersion "0x0510" → "5.10", the shape SPUSBDataType's bcd_device and ioreg's bcdDevice give. */
function bcdFromHex(text: unknown): string | undefined {
  const m = /^0x([0-9a-f]{1,4})$/i.exec(String(text ?? '').trim());
  if (!m) return undefined;
  return bcdText(parseInt(m[1]!, 16));
}

export function parseSystemProfilerUsb(text: string): { devices: UsbDevice[]; problems: string[] } {
  let doc: { SPUSBDataType?: SpItem[]; SPUSBHostDataType?: SpItem[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new Error(`system_profiler JSON does not parse: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc?.SPUSBDataType) && !Array.isArray(doc?.SPUSBHostDataType)) {
    throw new Error('system_profiler JSON has neither an SPUSBDataType nor an SPUSBHostDataType array');
  }
  const devices: UsbDevice[] = [];
  const problems: string[] = [];
  const walk = (items: SpItem[] | undefined) => {
    for (const it of items ?? []) {
      walk(it._items);
      const host = it.USBDeviceKeyVendorID !== undefined || it.USBDeviceKeyProductID !== undefined;
      if (!host && it.vendor_id === undefined && it.product_id === undefined) continue; // a bus (host controller)
      const vendorId = hexId(host ? it.USBDeviceKeyVendorID : it.vendor_id);
      const productId = hexId(host ? it.USBDeviceKeyProductID : it.product_id);
      const loc = /^0x([0-9a-f]+)/i.exec(String((host ? it.USBKeyLocationID : it.location_id) ?? ''));
      const name = String(it._name ?? '').trim();
      if (!vendorId || !productId || !loc) {
        problems.push(`system_profiler USB item "${name}" without vendor/product/location id: skipped`);
        continue;
      }
      if (devices.some((d) => d.port === `0x${loc[1]!.toLowerCase().padStart(8, '0')}`)) continue; // listed under both types
      const str = (k: string) => (typeof it[k] === 'string' && (it[k] as string).trim() ? (it[k] as string).trim() : undefined);
      const manufacturer = str(host ? 'USBDeviceKeyVendorName' : 'manufacturer');
      const serialText = str(host ? 'USBDeviceKeySerialNumber' : 'serial_num');
      const serial = serialText === 'Not Provided' ? undefined : serialText;
      const bcd = host ? bcdFromHex(it.USBDeviceKeyProductVersion) : str('bcd_device');
      const speed = host ? linkSpeed(it.USBDeviceKeyLinkSpeed) : SPEEDS[String(it.device_speed)];
      devices.push({
        port: `0x${loc[1]!.toLowerCase().padStart(8, '0')}`,
        vendorId,
        productId,
        ...(manufacturer ? { manufacturer } : {}),
        ...(name ? { product: name } : {}),
        ...(serial ? { serial } : {}),
        deviceClass: 0,
        ...(bcd ? { bcdDevice: bcd } : {}),
        ...(speed !== undefined ? { speedMbps: speed } : {}),
        interfaces: [],
      });
    }
  };
  walk(doc.SPUSBDataType);
  walk(doc.SPUSBHostDataType);
  devices.sort((a, b) => a.port.localeCompare(b.port));
  return { devices, problems };
}
