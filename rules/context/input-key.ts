import type { InputDevice } from '../../schema/snapshot/inputs.js';

/**
 * A stable key for an input device across reboots and ports: kind, bus, USB ids and name.
 * Not the port or event number: they change when the same device is replugged.
 */
export function inputDeviceKey(d: InputDevice): string {
  const ids = d.vendorId && d.productId ? `${d.vendorId.toLowerCase()}:${d.productId.toLowerCase()}` : '-';
  return `${d.bus}|${ids}|${d.name.trim().toLowerCase()}`;
}

/** Buses whose devices come and go with hardware a person plugs in (internal i2c/ps2 panels and virtual devices do not drift). */
export function isPluggable(d: InputDevice): boolean {
  return d.bus === 'usb' || d.bus === 'bluetooth';
}
