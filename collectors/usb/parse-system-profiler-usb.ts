import type { UsbDevice } from './schema.js';

/**
 * Pure parser of `system_profiler -json SPUSBDataType` (macOS ≤ 14 schema): a tree of buses whose `_items` are
 * devices, each with vendor_id "0x18d1  (Google Inc.)" or "apple_vendor_id", product_id, location_id "0x00112000 / 3",
 * bcd_device "5.10", device_speed, manufacturer, serial_num. It has no interface descriptors: interfaces stay empty.
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

export function parseSystemProfilerUsb(text: string): { devices: UsbDevice[]; problems: string[] } {
  let doc: { SPUSBDataType?: SpItem[] };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (err) {
    throw new Error(`system_profiler JSON does not parse: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc?.SPUSBDataType)) throw new Error('system_profiler JSON has no SPUSBDataType array');
  const devices: UsbDevice[] = [];
  const problems: string[] = [];
  const walk = (items: SpItem[] | undefined) => {
    for (const it of items ?? []) {
      walk(it._items);
      if (it.vendor_id === undefined && it.product_id === undefined) continue; // a bus (host controller)
      const vendorId = hexId(it.vendor_id);
      const productId = hexId(it.product_id);
      const loc = /^0x([0-9a-f]+)/i.exec(String(it.location_id ?? ''));
      const name = String(it._name ?? '').trim();
      if (!vendorId || !productId || !loc) {
        problems.push(`system_profiler USB item "${name}" without vendor/product/location id: skipped`);
        continue;
      }
      const str = (k: string) => (typeof it[k] === 'string' && (it[k] as string).trim() ? (it[k] as string).trim() : undefined);
      const manufacturer = str('manufacturer');
      const serial = str('serial_num');
      const bcd = str('bcd_device');
      const speed = SPEEDS[String(it.device_speed)];
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
  devices.sort((a, b) => a.port.localeCompare(b.port));
  return { devices, problems };
}
