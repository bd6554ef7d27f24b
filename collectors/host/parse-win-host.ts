import { asArray, asRecord, bool, isoDate, num, str } from '../win32/ps-json.js';
import { chassisOf, realSerial, virtualizationOf } from './parse-dmi.js';
import type { Host } from '../../schema/snapshot/host.js';

/** Win32_Battery.BatteryStatus: 2 "on AC, not necessarily charging", 3 full, 6-9 charging; 1 (discharging), 4, 5 on battery. */
const ON_AC = new Set([2, 3, 6, 7, 8, 9]);
const ON_BATTERY = new Set([1, 4, 5]);

export function winPower(batteries: unknown): Host['power'] {
  const list = asArray(batteries).map(asRecord).filter((b) => b !== undefined);
  const statuses = list.map((b) => num(b.status)).filter((n): n is number => n !== undefined);
  let onAc: boolean | null = null;
  if (statuses.some((s) => ON_AC.has(s))) onAc = true;
  else if (statuses.some((s) => ON_BATTERY.has(s))) onAc = false;
  const percent = list.map((b) => num(b.charge)).find((n) => n !== undefined && n >= 0 && n <= 100);
  return { onAc, ...(percent !== undefined ? { batteryPercent: percent } : {}) };
}

export interface WinHostFacts { hostname: string; arch: string; now: Date }

/**
 * Pure: the inventory's `host` section → Host. A VM is decided from SMBIOS (Win32_ComputerSystem Manufacturer/Model,
 * Win32_BIOS Manufacturer), never from HypervisorPresent, which is true on any laptop running Hyper-V or VBS.
 */
export function parseWinHost(section: unknown, facts: WinHostFacts): { host: Host; notes: string[] } {
  const s = asRecord(section) ?? {};
  const notes: string[] = [];
  const vendor = str(s.manufacturer);
  const model = str(s.model);
  const virtualization = virtualizationOf({
    ...(vendor ? { sys_vendor: vendor } : {}), ...(model ? { product_name: model } : {}),
    ...(str(s.biosManufacturer) ? { bios_vendor: str(s.biosManufacturer)! } : {}),
  });
  if (virtualization.evidence) virtualization.evidence = virtualization.evidence.replace(/^dmi sys_vendor/, 'Win32_ComputerSystem.Manufacturer')
    .replace(/^dmi product_name/, 'Win32_ComputerSystem.Model').replace(/^dmi bios_vendor/, 'Win32_BIOS.Manufacturer');
  if (bool(s.hypervisorPresent) === true && !virtualization.isVirtual) notes.push('HypervisorPresent is true but SMBIOS names real hardware: a host running Hyper-V/VBS, not a VM');
  const chassisTypes = asArray(s.chassisTypes).map(num).filter((n): n is number => n !== undefined);
  let chassis = chassisTypes.map((t) => chassisOf(String(t))).find((c) => c !== undefined && c !== 'other');
  // PCSystemType 2 = Mobile: the firmware says laptop even when the enclosure type is vague.
  if (!chassis && num(s.pcSystemType) === 2) chassis = 'laptop';
  if (virtualization.isVirtual) chassis = 'vm';
  const serialRaw = str(s.biosSerial);
  const serial = realSerial(serialRaw);
  if (serialRaw && !serial) notes.push(`SMBIOS serial "${serialRaw}" is a firmware placeholder: dropped`);
  const caption = str(s.caption)?.replace(/^Microsoft\s+/, '') ?? 'Windows';
  const version = str(s.version);
  const build = str(s.build);
  const boot = isoDate(s.lastBoot);
  const uptime = boot ? Math.max(0, Math.round((facts.now.getTime() - Date.parse(boot)) / 1000)) : undefined;
  const machineId = str(s.machineGuid);
  const host: Host = {
    hostname: facts.hostname,
    os: { name: caption, ...(version ? { version } : {}), id: 'windows' },
    ...(version ? { kernel: build && !version.endsWith(build) ? `${version}.${build}` : version } : {}),
    arch: facts.arch,
    ...(machineId ? { machineId } : {}),
    ...(serial ? { serial } : {}),
    ...(vendor ? { vendor } : {}),
    ...(model ? { model } : {}),
    ...(chassis ? { chassis } : {}),
    virtualization,
    ...(uptime !== undefined ? { uptimeSeconds: uptime } : {}),
    power: winPower(s.batteries),
    lid: null,
  };
  notes.push('lid state: Windows exposes it only to a driver query (GUID_LIDSWITCH_STATE_CHANGE notifications), not read');
  return { host, notes };
}
