import { arch, hostname } from 'node:os';
import { errorCodeOf, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { chassisOf, realSerial, virtualizationOf, type Dmi } from './parse-dmi.js';
import { parseOsRelease } from './parse-os-release.js';
import { parseLidState, parseUptime, powerOf, type PowerSupply } from './parse-power.js';
import type { Host } from '../../schema/snapshot/host.js';

const DMI_DIR = '/sys/class/dmi/id';
const DMI_FIELDS = ['sys_vendor', 'product_name', 'product_serial', 'chassis_type', 'bios_vendor', 'board_vendor'] as const;

/** Reads one small file, trimmed; undefined when it is absent or unreadable (the caller notes what matters). */
async function readTrim(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    const v = (await ctx.readFile(path)).trim();
    return v === '' ? undefined : v;
  } catch {
    return undefined;
  }
}

async function readOsRelease(ctx: CollectContext, notes: string[]): Promise<Host['os']> {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const kv = parseOsRelease(await ctx.readFile(path));
      const name = kv.get('NAME') ?? kv.get('PRETTY_NAME') ?? 'Linux';
      const version = kv.get('VERSION_ID') ?? kv.get('VERSION');
      const id = kv.get('ID');
      return { name, ...(version ? { version } : {}), ...(id ? { id } : {}) };
    } catch (err) {
      if (!isMissing(err)) notes.push(`${path} unreadable (${errorCodeOf(err)})`);
    }
  }
  notes.push('no os-release file: os.name is "Linux"');
  return { name: 'Linux' };
}

async function readDmi(ctx: CollectContext, notes: string[]): Promise<Dmi> {
  const values = await Promise.all(DMI_FIELDS.map((f) => readTrim(ctx, `${DMI_DIR}/${f}`)));
  const dmi: Dmi = {};
  DMI_FIELDS.forEach((f, i) => {
    if (values[i] !== undefined) dmi[f] = values[i];
  });
  if (Object.keys(dmi).length === 0) {
    notes.push(`${DMI_DIR} absent or unreadable: vendor, model, chassis and virtualization unknown (isVirtual false means "not shown by SMBIOS")`);
  } else if (dmi.product_serial === undefined) {
    notes.push('product_serial unreadable (root only) or empty');
  } else if (realSerial(dmi.product_serial) === undefined) {
    notes.push(`SMBIOS serial "${dmi.product_serial}" is a firmware placeholder: dropped`);
  }
  return dmi;
}

async function readPower(ctx: CollectContext): Promise<Host['power']> {
  const dir = '/sys/class/power_supply';
  let names: string[];
  try {
    names = await ctx.readDir(dir);
  } catch {
    return { onAc: null };
  }
  const supplies = await Promise.all(
    names.map(async (name): Promise<PowerSupply> => {
      const [type, online, capacity, status] = await Promise.all(
        ['type', 'online', 'capacity', 'status'].map((f) => readTrim(ctx, `${dir}/${name}/${f}`)),
      );
      return { name, ...(type ? { type } : {}), ...(online ? { online } : {}), ...(capacity ? { capacity } : {}), ...(status ? { status } : {}) };
    }),
  );
  return powerOf(supplies);
}

async function readLid(ctx: CollectContext): Promise<Host['lid']> {
  const dir = '/proc/acpi/button/lid';
  try {
    for (const name of await ctx.readDir(dir)) {
      const state = parseLidState((await readTrim(ctx, `${dir}/${name}/state`)) ?? '');
      if (state) return state;
    }
  } catch {
    // No ACPI lid button (desktop, VM, or a kernel without /proc/acpi): the OS does not tell.
  }
  return null;
}

export async function collect(ctx: CollectContext): Promise<CollectResult<Host>> {
  const notes: string[] = [];
  const [os, kernel, machineId, dmi, uptime, power, lid] = await Promise.all([
    readOsRelease(ctx, notes),
    readTrim(ctx, '/proc/sys/kernel/osrelease'),
    readTrim(ctx, '/etc/machine-id'),
    readDmi(ctx, notes),
    readTrim(ctx, '/proc/uptime'),
    readPower(ctx),
    readLid(ctx),
  ]);
  const virtualization = virtualizationOf(dmi);
  const serial = realSerial(dmi.product_serial);
  const chassis = virtualization.isVirtual ? 'vm' : chassisOf(dmi.chassis_type);
  const uptimeSeconds = uptime === undefined ? undefined : parseUptime(uptime);
  if (machineId === undefined) notes.push('/etc/machine-id absent or unreadable');
  const data: Host = {
    hostname: hostname(),
    os,
    arch: arch(),
    virtualization,
    power,
    lid,
    ...(kernel ? { kernel } : {}),
    ...(machineId ? { machineId } : {}),
    ...(serial ? { serial } : {}),
    ...(dmi.sys_vendor ? { vendor: dmi.sys_vendor } : {}),
    ...(dmi.product_name ? { model: dmi.product_name } : {}),
    ...(chassis ? { chassis } : {}),
    ...(uptimeSeconds !== undefined ? { uptimeSeconds } : {}),
  };
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
