import { loadCatalog } from '../catalog/files.js';
import type { VirtualInputCatalog } from '../catalog/schemas/virtual-input-devices.js';
import { defineRule, type Match } from '../types.js';

let catalog: VirtualInputCatalog | undefined;
/** rules/catalogs/virtual-input-devices.json, read once. */
export function virtualInputCatalog(): VirtualInputCatalog {
  catalog ??= loadCatalog('virtualInputDevices');
  return catalog;
}

export const inputVirtualDevice = defineRule({
  id: 'input.virtual-device',
  title: 'A remote tool\'s virtual input device is present',
  description:
    'An input device whose name (and ids, where the tool fixes them) is one a remote-control tool or a game-streaming host ' +
    'creates to inject a remote person\'s keys and pointer (RustDesk\'s uinput devices, Sunshine\'s passthrough devices). Only ' +
    'catalogued devices count: virtual devices of key remappers, controller layers and accessibility tools score nothing. ' +
    'Device facts only, never input.',
  severity: 'high', weight: 0.6, group: 'remote-access-input', attack: ['T1219'],
  falsePositives: ['A sanctioned RustDesk or Sunshine install (allow.tools with the tool id)'],
  evaluate(snapshot): Match[] {
    const entries = virtualInputCatalog().entries.filter((e) => e.platforms.includes(snapshot.platform as 'linux'));
    const byTool = new Map<string, { confidence: number; devices: Record<string, unknown>[] }>();
    for (const device of snapshot.inputs?.devices ?? []) {
      const name = device.name.trim().toLowerCase();
      const entry = entries.find((e) =>
        e.match.name.toLowerCase() === name &&
        (e.match.vendorId === undefined || e.match.vendorId === device.vendorId?.toLowerCase()) &&
        (e.match.productId === undefined || e.match.productId === device.productId?.toLowerCase()));
      if (!entry) continue;
      const hit = byTool.get(entry.tool) ?? { confidence: 0, devices: [] };
      hit.confidence = Math.max(hit.confidence, entry.confidence);
      if (hit.devices.length < 10) hit.devices.push({ entry: entry.id, name: device.name, kind: device.kind, bus: device.bus, ...(device.vendorId ? { vendorId: device.vendorId } : {}), ...(device.productId ? { productId: device.productId } : {}) });
      byTool.set(entry.tool, hit);
    }
    return [...byTool].map(([tool, hit]) => ({ subject: tool, confidence: hit.confidence, title: `${tool}'s virtual input device is present`, evidence: { tool, devices: hit.devices } }));
  },
});
