import type { Host } from '../../schema/snapshot/host.js';

/** One /sys/class/power_supply/<name>: its `type`, `online` and `capacity` files (absent ones undefined). */
export interface PowerSupply {
  name: string;
  type?: string;
  online?: string;
  capacity?: string;
  status?: string;
}

/**
 * onAc from the Mains (AC adapter) supplies: any online → true, all offline → false. No Mains but a battery
 * whose status is Discharging → false (some laptops expose no ACAD node). No supplies at all → null (a
 * desktop or VM does not tell). batteryPercent from the first battery with a capacity.
 */
export function powerOf(supplies: readonly PowerSupply[]): Host['power'] {
  const mains = supplies.filter((s) => s.type === 'Mains');
  const batteries = supplies.filter((s) => s.type === 'Battery');
  let onAc: boolean | null = null;
  if (mains.some((s) => s.online !== undefined)) onAc = mains.some((s) => s.online === '1');
  else if (batteries.some((s) => s.status === 'Discharging')) onAc = false;
  else if (batteries.some((s) => s.status === 'Charging' || s.status === 'Full')) onAc = true;
  const capacity = batteries
    .filter((b) => b.capacity !== undefined && /^\d+$/.test(b.capacity))
    .map((b) => Number(b.capacity))
    .find((n) => n <= 100);
  return { onAc, ...(capacity !== undefined ? { batteryPercent: capacity } : {}) };
}

/** /proc/acpi/button/lid/<LID>/state: "state:      open". */
export function parseLidState(text: string): 'open' | 'closed' | undefined {
  const m = /^state:\s*(open|closed)\s*$/m.exec(text);
  return m ? (m[1] as 'open' | 'closed') : undefined;
}

/** /proc/uptime: "<seconds up> <idle seconds>". */
export function parseUptime(text: string): number | undefined {
  const first = text.trim().split(/\s+/)[0] ?? '';
  return /^\d+(\.\d+)?$/.test(first) ? Number(first) : undefined;
}
