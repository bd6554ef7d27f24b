import type { NetInterface } from '../../schema/snapshot/network.js';
import type { UsbDevice } from '../../schema/snapshot/usb.js';
import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { macHasPrefix, normalizeMac } from './match.js';
import { describeInterface, isBootKeyboard, networkFunction, usbEvidence } from './usb-facts.js';

const LINUX_FOUNDATION = '1d6b';
const gadgetNetDrivers = new Set(['rndis_host', 'cdc_ncm', 'cdc_ether', 'cdc_eem']);

function netEvidence(iface: NetInterface): Record<string, unknown> {
  const e: Record<string, unknown> = { interface: iface.name };
  if (iface.mac !== undefined) e.mac = iface.mac;
  if (iface.driver !== undefined) e.driver = iface.driver;
  return e;
}

/**
 * A USB network function is a KVM's when the device is a Linux gadget (1d6b) or also offers a boot keyboard.
 * A phone tethering over USB (Google 18d1, Samsung 04e8, Apple 05ac) offers a network function and no keyboard.
 */
function fromUsb(device: UsbDevice, ifaces: readonly NetInterface[]): Match | null {
  const functions = device.interfaces.filter((i) => networkFunction(i) !== null);
  if (functions.length === 0) return null;
  const gadget = device.vendorId === LINUX_FOUNDATION;
  const keyboard = device.interfaces.some(isBootKeyboard);
  if (!gadget && !keyboard) return null;
  const linked = ifaces.find((n) => n.usb?.vendorId === device.vendorId && n.usb.productId === device.productId);
  return {
    confidence: gadget ? 0.8 : 0.75,
    evidence: {
      ...usbEvidence(device),
      network: [...new Set(functions.map(networkFunction))],
      interfaces: device.interfaces.map(describeInterface),
      basis: gadget ? 'Linux USB gadget (vendor 1d6b)' : 'composite device that is also a keyboard',
      ...(linked ? netEvidence(linked) : {}),
    },
  };
}

export const ipkvmUsbNetwork = defineRule({
  id: 'ipkvm.usb-network',
  title: 'A USB gadget gives the laptop a network adapter (RNDIS/NCM/ECM)',
  description:
    'An RNDIS, CDC-NCM or CDC-ECM network function on a Linux USB gadget (vendor 1d6b) or on a composite device that is ' +
    'also a keyboard: IP-KVMs (PiKVM, NanoKVM, GL.iNet Comet) offer one to reach the laptop over USB. A NanoKVM also ' +
    'hands the laptop a MAC address starting 48:da:35:6d. Phone tethering does not match.',
  severity: 'high',
  weight: 0.8,
  group: 'ipkvm',
  attack: ['T1219.003', 'T1200'],
  falsePositives: ['A Raspberry Pi or development board in USB gadget mode with a keyboard function'],
  evaluate(snapshot) {
    const ifaces = snapshot.network?.interfaces ?? [];
    const out: Match[] = [];
    for (const device of snapshot.usb?.devices ?? []) {
      const m = fromUsb(device, ifaces);
      if (m) out.push(m);
    }
    const hostSide = deviceCatalogs().macPrefixes.entries.filter((e) => e.where === 'interface');
    for (const iface of ifaces) {
      const mac = iface.mac === undefined ? null : normalizeMac(iface.mac);
      const entry = mac === null ? undefined : hostSide.find((e) => macHasPrefix(mac, e.prefix));
      if (entry) {
        out.push({
          confidence: entry.confidence,
          subject: entry.id,
          title: `${entry.maker}: the laptop's USB network adapter has the KVM's MAC prefix`,
          evidence: { ...netEvidence(iface), prefix: entry.prefix, maker: entry.maker },
        });
      } else if (snapshot.usb === null && iface.kind === 'usb-net' && iface.usb?.vendorId === LINUX_FOUNDATION
        && iface.driver !== undefined && gadgetNetDrivers.has(iface.driver)) {
        // No USB inventory this cycle: the interface's own USB ids still say "Linux gadget".
        out.push({ confidence: 0.75, evidence: { ...netEvidence(iface), vendorId: iface.usb.vendorId, productId: iface.usb.productId } });
      }
    }
    return out;
  },
});
