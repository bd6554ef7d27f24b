import type { Host } from '../../schema/snapshot/host.js';

/** SMBIOS values read from /sys/class/dmi/id (trimmed; absent when unreadable). */
export interface Dmi {
  sys_vendor?: string;
  product_name?: string;
  product_serial?: string;
  chassis_type?: string;
  bios_vendor?: string;
  board_vendor?: string;
}

/**
 * SMBIOS chassis types (DMTF DSP0134 §7.4.1). Laptop: Portable 8, Laptop 9, Notebook 10, Sub Notebook 14,
 * Convertible 31, Detachable 32 (and Tablet 30). Desktop: 3-7, All in One 13, Space-saving 15, Lunch Box 16,
 * Sealed-case 24, Mini PC 35, Stick PC 36. Server: Main Server 17, Rack Mount 23, Multi-system 25, Blade 28/29.
 */
const CHASSIS: Record<number, NonNullable<Host['chassis']>> = {
  8: 'laptop', 9: 'laptop', 10: 'laptop', 14: 'laptop', 30: 'laptop', 31: 'laptop', 32: 'laptop',
  3: 'desktop', 4: 'desktop', 5: 'desktop', 6: 'desktop', 7: 'desktop', 13: 'desktop', 15: 'desktop', 16: 'desktop',
  24: 'desktop', 35: 'desktop', 36: 'desktop',
  17: 'server', 23: 'server', 25: 'server', 28: 'server', 29: 'server',
};

export function chassisOf(chassisType: string | undefined): Host['chassis'] | undefined {
  if (chassisType === undefined || !/^\d+$/.test(chassisType)) return undefined;
  return CHASSIS[Number(chassisType)] ?? 'other';
}

/** Serials that firmware vendors leave unset; they identify nothing. */
const PLACEHOLDER_SERIALS = [
  /^to be filled by o\.?e\.?m\.?$/i, /^default string$/i, /^0123456789$/, /^system serial number$/i,
  /^not specified$/i, /^not applicable$/i, /^none$/i, /^n\/a$/i, /^0+$/, /^x+$/i, /^\.+$/, /^chassis serial number$/i,
];

export function realSerial(serial: string | undefined): string | undefined {
  const s = serial?.trim();
  if (!s) return undefined;
  return PLACEHOLDER_SERIALS.some((re) => re.test(s)) ? undefined : s;
}

type Field = keyof Dmi;
interface VmRule {
  vendor: string;
  test: (d: Dmi) => Field | undefined;
}

const eq = (field: Field, re: RegExp) => (d: Dmi): Field | undefined => (d[field] !== undefined && re.test(d[field]!) ? field : undefined);
const any = (...tests: ((d: Dmi) => Field | undefined)[]) => (d: Dmi) => tests.map((t) => t(d)).find((f) => f !== undefined);

/**
 * Hypervisors as their virtual firmware names itself (the values systemd-detect-virt's DMI table and the
 * vendors document). The firmware of a laptop that *runs* a hypervisor (Hyper-V/VBS, WSL) still names the
 * laptop's maker, so it is not a VM here: only "Microsoft Corporation" together with "Virtual Machine" is.
 */
const VM_RULES: VmRule[] = [
  { vendor: 'VMware', test: any(eq('sys_vendor', /^VMware/i), eq('product_name', /^VMware/i)) },
  { vendor: 'VirtualBox', test: any(eq('product_name', /^VirtualBox$/i), eq('sys_vendor', /^innotek GmbH$/i)) },
  { vendor: 'Hyper-V', test: (d) => (/^Microsoft Corporation$/i.test(d.sys_vendor ?? '') && /^Virtual Machine$/i.test(d.product_name ?? '') ? 'product_name' : undefined) },
  { vendor: 'Parallels', test: any(eq('sys_vendor', /^Parallels/i), eq('product_name', /^Parallels/i)) },
  { vendor: 'Amazon EC2', test: (d) => (/^Amazon EC2$/i.test(d.sys_vendor ?? '') && !/\.metal/i.test(d.product_name ?? '') ? 'sys_vendor' : undefined) },
  { vendor: 'Google Compute Engine', test: eq('product_name', /^Google Compute Engine$/i) },
  { vendor: 'Xen', test: any(eq('sys_vendor', /^Xen$/i), eq('product_name', /^HVM domU$/i), eq('bios_vendor', /^Xen$/i)) },
  { vendor: 'KVM', test: any(eq('product_name', /^KVM/), eq('sys_vendor', /^(Red Hat|oVirt|Nutanix)$/i)) },
  { vendor: 'QEMU', test: any(eq('sys_vendor', /^QEMU$/i), eq('product_name', /QEMU/), eq('bios_vendor', /^QEMU$/i)) },
  { vendor: 'Bochs', test: any(eq('sys_vendor', /^Bochs$/i), eq('bios_vendor', /^Bochs$/i), eq('product_name', /^Bochs$/i)) },
];

export function virtualizationOf(d: Dmi): Host['virtualization'] {
  for (const rule of VM_RULES) {
    const field = rule.test(d);
    if (field) return { isVirtual: true, vendor: rule.vendor, evidence: `dmi ${field}="${d[field]}"` };
  }
  return { isVirtual: false };
}
