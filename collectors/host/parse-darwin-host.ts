import type { Host } from '../../schema/snapshot/host.js';

/**
 * Pure parsers for the macOS host source: `pmset -g batt`, and the IOPlatformExpertDevice model/manufacturer
 * (virtualization, chassis).
 */

/** `pmset -g batt`: "Now drawing from 'AC Power'" / "'Battery Power'", then " -InternalBattery-0 (id=…)\t85%; charging; …". */
export function parsePmsetBatt(text: string): Host['power'] | undefined {
  const src = /drawing from '([^']+)'/.exec(text)?.[1];
  if (src === undefined) return undefined;
  const pct = /\t(\d{1,3})%;/.exec(text) ?? /\s(\d{1,3})%;/.exec(text);
  const percent = pct ? Number(pct[1]) : undefined;
  // UPS Power counts as not on AC: the wall power is gone.
  const onAc = src === 'AC Power' ? true : src === 'Battery Power' || src === 'UPS Power' ? false : null;
  return { onAc, ...(percent !== undefined && percent <= 100 ? { batteryPercent: percent } : {}) };
}

const VM_VENDORS: [RegExp, string][] = [
  [/^VirtualMac/i, 'Apple Virtualization'],
  [/vmware/i, 'VMware'],
  [/parallels/i, 'Parallels'],
  [/qemu|kvm/i, 'QEMU'],
  [/virtualbox|innotek/i, 'VirtualBox'],
];

export function darwinVirtualization(model: string | undefined, manufacturer: string | undefined): Host['virtualization'] {
  for (const [field, value] of [['model', model], ['manufacturer', manufacturer]] as const) {
    if (!value) continue;
    for (const [re, vendor] of VM_VENDORS) {
      if (re.test(value)) return { isVirtual: true, vendor, evidence: `IOPlatformExpertDevice ${field}="${value}"` };
    }
  }
  return { isVirtual: false };
}

/** Chassis from the model identifier; a clamshell state (only laptops have one) settles the newer "MacNN,N" names. */
export function darwinChassis(model: string | undefined, hasLid: boolean, isVirtual: boolean): Host['chassis'] | undefined {
  if (isVirtual) return 'vm';
  if (hasLid || /Book/i.test(model ?? '')) return 'laptop';
  if (/^(iMac|Macmini|MacPro|Xserve)/i.test(model ?? '')) return model?.startsWith('Xserve') ? 'server' : 'desktop';
  return undefined;
}
