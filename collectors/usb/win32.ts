import type { CollectContext, CollectResult } from '../types.js';
import { sectionData } from '../win32/inventory.js';
import { inquiryFromUsbstor } from './parse-inquiry.js';
import { pnpEntities, usbFromPnp } from './parse-pnp.js';
import type { Usb } from '../../schema/snapshot/usb.js';

/** Windows USB devices: present Win32_PnPEntity nodes under USB\ (with their MI_ functions), from the inventory. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Usb>> {
  const s = await sectionData(ctx, 'pnp');
  if (!('data' in s)) return s;
  const { entities, absent, busDescError } = pnpEntities(s.data);
  const { devices, notes } = usbFromPnp(entities);
  // USBSTOR\<type>&VEN_…&PROD_…: the disk's SCSI inquiry strings, in the same PnP list.
  const storage = entities.map((e) => (/^USBSTOR\\/i.test(e.id) ? inquiryFromUsbstor(e.id, devices) : undefined)).filter((s) => s !== undefined);
  if (absent) notes.push(`${absent} PnP devices not present (remembered from earlier) left out`);
  if (busDescError) notes.push(`device product strings unavailable (DEVPKEY_Device_BusReportedDeviceDesc): ${busDescError}`);
  notes.push('manufacturer strings not read on Windows (PnP names the driver vendor, not the device\'s iManufacturer); root hubs left out');
  return { status: 'ok', data: { devices, storage }, notes };
}
