import type { DisplayAdapter } from '../../schema/snapshot/displays.js';

/** Connector types that are a panel inside the machine. */
const BUILTIN = new Set(['eDP', 'LVDS', 'DSI']);

/** "card0-eDP-1" → { card: "card0", type: "eDP" }; "card1-HDMI-A-2" → type "HDMI-A". */
export function connectorName(name: string): { card: string; type: string } | undefined {
  const m = /^(card\d+)-(.+)-\d+$/.exec(name);
  return m ? { card: m[1]!, type: m[2]! } : undefined;
}

export function isBuiltinConnector(type: string): boolean {
  return BUILTIN.has(type);
}

/** The first line of a connector's `modes` file is its preferred mode: "1920x1080" (or "1920x1080i"). */
export function preferredResolution(modes: string): { width: number; height: number } | undefined {
  const m = /^(\d+)x(\d+)/.exec(modes.trimStart());
  if (!m) return undefined;
  const width = Number(m[1]), height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** KEY=value lines of a sysfs `uevent` file. */
export function parseUevent(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** "0x8086\n" → "8086". */
function pciId(text: string | undefined): string | undefined {
  const m = /^(?:0x)?([0-9a-fA-F]{4})$/.exec(text?.trim() ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

export interface RawAdapter {
  card: string;
  vendor?: string;
  device?: string;
  /** Target of cardN/device/driver. */
  driverLink?: string;
  uevent?: string;
}

/**
 * An adapter from what cardN/device offers: PCI ids from `vendor`/`device`, else `PCI_ID=` of the uevent; the driver
 * from the `driver` link, else `DRIVER=` (i915, amdgpu, nouveau; evdi is DisplayLink; vkms, virtio_gpu, qxl, bochs are virtual).
 */
export function adapterFrom(raw: RawAdapter): DisplayAdapter {
  const uevent = parseUevent(raw.uevent ?? '');
  const [ueVendor, ueDevice] = (uevent.get('PCI_ID') ?? '').split(':');
  const vendorId = pciId(raw.vendor) ?? pciId(ueVendor);
  const deviceId = pciId(raw.device) ?? pciId(ueDevice);
  const driver = raw.driverLink?.split('/').pop() || uevent.get('DRIVER') || undefined;
  return {
    name: raw.card,
    ...(driver ? { driver } : {}),
    ...(vendorId ? { vendorId } : {}),
    ...(deviceId ? { deviceId } : {}),
  };
}
