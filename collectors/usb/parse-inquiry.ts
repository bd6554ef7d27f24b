import { io, type IoNode } from '../parse-ioreg.js';
import type { UsbDevice, UsbStorage } from '../../schema/snapshot/usb.js';

/**
 * SCSI inquiry strings of USB mass storage, three ways. They are set by the device's firmware (an IP-KVM's gadget
 * writes them for its virtual media) and are not among the ids a KVM owner usually changes, so they survive
 * renaming of the USB descriptors.
 */

/** Inquiry fields are space-padded ASCII; sysfs keeps the padding, Windows turns spaces into "_". */
const clean = (s: string | undefined): string => (s ?? '').replace(/[\0\r\n]/g, '').trim();

/**
 * The USB device port of a block device from its sysfs link, e.g.
 * "../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host0/target0:0:0/0:0:0:0/block/sda" → "2-1".
 * undefined when the disk is not behind USB (NVMe, SATA, loop, virtio).
 */
export function usbPortOfBlockLink(link: string): string | undefined {
  const parts = link.split('/');
  const at = parts.findIndex((p) => /^\d+-[\d.]+:\d+\.\d+$/.test(p));
  if (at <= 0) return undefined;
  const port = parts[at - 1]!;
  return /^\d+-\d+(?:\.\d+)*$/.test(port) ? port : undefined;
}

/** One /sys/block/<name>/device/{vendor,model,rev} triple; undefined when vendor and model are both empty. */
export function inquiryFromSysfs(name: string, attrs: { vendor?: string; model?: string; rev?: string }, port: string | undefined): UsbStorage | undefined {
  const vendor = clean(attrs.vendor), model = clean(attrs.model), revision = clean(attrs.rev);
  if (!vendor && !model) return undefined;
  return { vendor, model, ...(revision ? { revision } : {}), ...(port ? { port } : {}), source: `/sys/block/${name}/device` };
}

/**
 * "USBSTOR\CDROM&VEN_GLINET&PROD_FLASH_DRIVE&REV_1.00\CAFEBABE&0" (a Win32_PnPEntity id) → inquiry strings. Windows
 * writes spaces as "_" and keeps at most 8 / 16 characters. The instance's first part is the USB serial when the
 * device has one: it names the usb device (USB\VID_…\CAFEBABE) the disk belongs to.
 */
export function inquiryFromUsbstor(id: string, devices: readonly UsbDevice[] = []): UsbStorage | undefined {
  const m = /^USBSTOR\\[A-Za-z]+&VEN_([^&\\]*)&PROD_([^&\\]*)(?:&REV_([^\\]*))?\\(.*)$/i.exec(id);
  if (!m) return undefined;
  const under = (s: string | undefined) => clean((s ?? '').replace(/_/g, ' ')).replace(/\s+/g, ' ');
  const vendor = under(m[1]), model = under(m[2]), revision = under(m[3]);
  if (!vendor && !model) return undefined;
  const serial = m[4]!.replace(/&\d+$/, '');
  const owner = serial && !serial.includes('&') ? devices.find((d) => d.serial !== undefined && d.serial.toLowerCase() === serial.toLowerCase()) : undefined;
  return { vendor, model, ...(revision ? { revision } : {}), ...(owner ? { port: owner.port } : {}), source: id };
}

/**
 * Nodes of `ioreg -r -c IOSCSIPeripheralDeviceNub -l -w0` (the SCSI nub USB mass storage publishes): "Vendor
 * Identification", "Product Identification", "Product Revision Level".
 */
export function inquiryFromIoreg(nodes: readonly IoNode[]): UsbStorage[] {
  const out: UsbStorage[] = [];
  for (const n of nodes) {
    const vendor = clean(io.str(n, 'Vendor Identification')), model = clean(io.str(n, 'Product Identification'));
    if (!vendor && !model) continue;
    const revision = clean(io.str(n, 'Product Revision Level'));
    out.push({ vendor, model, ...(revision ? { revision } : {}), source: `ioreg ${n.className ?? 'IOSCSIPeripheralDeviceNub'}` });
  }
  return out;
}
