import { z } from 'zod';

const hex4 = z.string().regex(/^[0-9a-f]{4}$/, 'four lower-case hex digits');

export const usbInterfaceSchema = z.object({
  number: z.number().int().nonnegative(),
  class: z.number().int().min(0).max(255).describe('bInterfaceClass (3 HID, 8 mass storage, 2/10 CDC, 0xe0 wireless/RNDIS, 0xef misc)'),
  subclass: z.number().int().min(0).max(255),
  protocol: z.number().int().min(0).max(255).describe('For HID boot interfaces: 1 keyboard, 2 mouse'),
  driver: z.string().optional(),
});

export const usbDeviceSchema = z.object({
  port: z.string().describe('Stable location, e.g. sysfs name "1-2.3"; input devices refer to it'),
  vendorId: hex4,
  productId: hex4,
  manufacturer: z.string().optional(),
  product: z.string().optional(),
  serial: z.string().optional(),
  deviceClass: z.number().int().min(0).max(255),
  bcdDevice: z.string().optional(),
  speedMbps: z.number().optional(),
  interfaces: z.array(usbInterfaceSchema),
});
export type UsbDevice = z.infer<typeof usbDeviceSchema>;

/** The SCSI inquiry strings of one USB mass-storage unit: what an IP-KVM's virtual media calls itself. */
export const usbStorageSchema = z.object({
  vendor: z.string().describe('SCSI inquiry vendor (8 characters on the wire), trimmed'),
  model: z.string().describe('SCSI inquiry product (16 characters on the wire), trimmed'),
  revision: z.string().optional(),
  port: z.string().optional().describe('The usb.devices[].port it belongs to, when the OS says'),
  source: z.string().describe('Where it was read: a sysfs block device, an ioreg class, a USBSTOR instance id'),
});
export type UsbStorage = z.infer<typeof usbStorageSchema>;

export const usbSchema = z.object({
  devices: z.array(usbDeviceSchema),
  storage: z.array(usbStorageSchema).optional().describe('Inquiry strings of USB mass storage (absent: not read)'),
});
export type Usb = z.infer<typeof usbSchema>;
