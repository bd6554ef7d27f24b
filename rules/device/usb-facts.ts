import type { UsbDevice } from '../../schema/snapshot/usb.js';

/** What a USB device's interfaces say it can do, from class/subclass/protocol (USB-IF codes) and bound drivers. */

type UsbInterface = UsbDevice['interfaces'][number];

const HID = 0x03;
const MASS_STORAGE = 0x08;
const CDC = 0x02;
const WIRELESS_CONTROLLER = 0xe0;
const MISC = 0xef;

/** HID boot-protocol keyboard (3/1/1): what every KVM's keyboard function declares. */
export const isBootKeyboard = (i: UsbInterface): boolean => i.class === HID && i.subclass === 1 && i.protocol === 1;

/** A HID interface outside the boot subclass: KVMs put their absolute pointer there (a boot mouse is relative). */
export const isNonBootHid = (i: UsbInterface): boolean => i.class === HID && i.subclass === 0;

export const isMassStorage = (i: UsbInterface): boolean => i.class === MASS_STORAGE;

// A Map: the driver name comes from the snapshot, and "constructor" must not name a network function.
const netDrivers = new Map<string, string>([
  ['rndis_host', 'RNDIS'], ['cdc_ncm', 'CDC-NCM'], ['cdc_ether', 'CDC-ECM'], ['cdc_eem', 'CDC-EEM'],
]);

/**
 * The network function an interface offers (RNDIS, CDC-ECM/NCM/EEM), or null. Precise on purpose: CDC-ACM serial
 * (2/2/1) and Bluetooth (0xe0/1/1, e.g. Intel AX210) share the class bytes but are not network adapters, and a
 * CDC data interface (0x0a) only accompanies one of these.
 */
export function networkFunction(i: UsbInterface): string | null {
  const byDriver = i.driver === undefined ? undefined : netDrivers.get(i.driver);
  if (byDriver !== undefined) return byDriver;
  if (i.class === CDC) {
    if (i.subclass === 0x06) return 'CDC-ECM';
    if (i.subclass === 0x0d) return 'CDC-NCM';
    if (i.subclass === 0x0c) return 'CDC-EEM';
    if (i.subclass === 0x02 && i.protocol === 0xff) return 'RNDIS';
  }
  if (i.class === WIRELESS_CONTROLLER && i.subclass === 0x01 && i.protocol === 0x03) return 'RNDIS';
  if (i.class === MISC && i.subclass === 0x04 && i.protocol === 0x01) return 'RNDIS';
  return null;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** "if0 03/01/01 usbhid": the exact interface facts for evidence. */
export function describeInterface(i: UsbInterface): string {
  const base = `if${i.number} ${hex2(i.class)}/${hex2(i.subclass)}/${hex2(i.protocol)}`;
  return i.driver === undefined ? base : `${base} ${i.driver}`;
}

/** The identifying facts of a device, without absent fields. */
export function usbEvidence(d: UsbDevice): Record<string, unknown> {
  const e: Record<string, unknown> = { port: d.port, vendorId: d.vendorId, productId: d.productId };
  if (d.manufacturer !== undefined) e.manufacturer = d.manufacturer;
  if (d.product !== undefined) e.product = d.product;
  if (d.serial !== undefined) e.serial = d.serial;
  return e;
}
