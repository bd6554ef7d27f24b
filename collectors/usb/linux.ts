import { failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseLsusb } from './parse-lsusb.js';
import {
  classifySysfsName, deviceAttrs, interfaceAttrs, usbDeviceFromSysfs,
  type DeviceAttrs, type InterfaceAttrs, type RawUsbDevice,
} from './parse-sysfs.js';
import { inquiryFromSysfs, usbPortOfBlockLink } from './parse-inquiry.js';
import type { Usb, UsbDevice, UsbStorage } from '../../schema/snapshot/usb.js';
import { unixTool } from '../programs.js';

export const sysfsUsb = '/sys/bus/usb/devices';
export const sysfsBlock = '/sys/block';

async function readAttr(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.readFile(path);
  } catch (err) {
    // Absent attributes are normal (no serial, no manufacturer string); other failures are also just "unknown" here.
    if (!isMissing(err)) ctx.log.debug({ path, err: String(err) }, 'usb attribute unreadable');
    return undefined;
  }
}

async function readAttrs<K extends string>(ctx: CollectContext, dir: string, names: readonly K[]) {
  const values = await Promise.all(names.map((n) => readAttr(ctx, `${dir}/${n}`)));
  const out: Partial<Record<K, string>> = {};
  names.forEach((n, i) => { if (values[i] !== undefined) out[n] = values[i]; });
  return out;
}

async function driverOf(ctx: CollectContext, dir: string): Promise<string | undefined> {
  try {
    return (await ctx.readLink(`${dir}/driver`)).split('/').pop() || undefined;
  } catch {
    return undefined; // an interface with no driver bound has no link
  }
}

/** Reads /sys/bus/usb/devices: files only, no process forked. */
async function fromSysfs(ctx: CollectContext, names: string[]): Promise<CollectResult<Usb>> {
  const raws = new Map<string, RawUsbDevice>();
  const interfaceNames: { name: string; of: string }[] = [];
  for (const name of names) {
    const kind = classifySysfsName(name);
    if (kind && 'device' in kind) raws.set(name, { port: name, attrs: {}, interfaces: [] });
    else if (kind) interfaceNames.push({ name, of: kind.interfaceOf });
  }
  await Promise.all([
    ...[...raws.values()].map(async (raw) => {
      raw.attrs = (await readAttrs(ctx, `${sysfsUsb}/${raw.port}`, deviceAttrs)) as DeviceAttrs;
    }),
    ...interfaceNames.map(async ({ name, of }) => {
      const dir = `${sysfsUsb}/${name}`;
      const [attrs, driver] = await Promise.all([readAttrs(ctx, dir, interfaceAttrs), driverOf(ctx, dir)]);
      raws.get(of)?.interfaces.push({ name, attrs: attrs as InterfaceAttrs, ...(driver ? { driver } : {}) });
    }),
  ]);
  const devices: UsbDevice[] = [];
  const notes: string[] = [];
  for (const raw of raws.values()) {
    const { device, problems } = usbDeviceFromSysfs(raw);
    if (device) devices.push(device);
    notes.push(...problems);
  }
  devices.sort((a, b) => a.port.localeCompare(b.port, 'en', { numeric: true }));
  if (devices.length === 0 && notes.length === 0) notes.push(`no USB devices under ${sysfsUsb}`);
  return { status: 'ok', data: { devices }, ...(notes.length ? { notes } : {}) };
}

/**
 * The fallback when sysfs has no USB bus but usbfs device nodes exist (a container with devices passed through):
 * one `lsusb -v`. With neither, there is no USB bus to see, and no process is started.
 */
async function fromLsusb(ctx: CollectContext): Promise<CollectResult<Usb>> {
  try {
    await ctx.readDir('/dev/bus/usb');
  } catch (err) {
    if (isMissing(err)) {
      return { status: 'ok', data: { devices: [] }, notes: [`no USB bus: ${sysfsUsb} is absent`] };
    }
    return failure(err, 'reading /dev/bus/usb');
  }
  let text: string;
  try {
    text = await ctx.exec(unixTool('lsusb'), ['-v'], { timeoutMs: 5_000 });
  } catch (err) {
    return failure(err, `${sysfsUsb} is absent and lsusb -v failed`);
  }
  const { devices, problems } = parseLsusb(text);
  const notes = [`${sysfsUsb} is absent: read from lsusb -v (ports are bus:device)`, ...problems];
  return { status: 'ok', data: { devices }, notes };
}

/**
 * SCSI inquiry strings of the disks behind USB: /sys/block/<disk> links into the USB device's tree, and
 * <disk>/device/{vendor,model,rev} hold the inquiry fields. Files only; disks not behind USB are not read further.
 */
export async function blockStorage(ctx: CollectContext): Promise<{ storage: UsbStorage[]; notes: string[] }> {
  let names: string[];
  try {
    names = await ctx.readDir(sysfsBlock);
  } catch (err) {
    return { storage: [], notes: isMissing(err) ? [] : [`${sysfsBlock} unreadable: USB storage inquiry strings unknown (${String(err)})`] };
  }
  const storage: UsbStorage[] = [];
  for (const name of names.sort()) {
    let link: string;
    try {
      link = await ctx.readLink(`${sysfsBlock}/${name}`);
    } catch {
      continue; // not a link (an old kernel's real directory): no way to tell the bus
    }
    if (!link.includes('/usb')) continue;
    const attrs = await readAttrs(ctx, `${sysfsBlock}/${name}/device`, ['vendor', 'model', 'rev'] as const);
    const s = inquiryFromSysfs(name, attrs, usbPortOfBlockLink(link));
    if (s) storage.push(s);
  }
  return { storage, notes: [] };
}

async function devices(ctx: CollectContext): Promise<CollectResult<Usb>> {
  let names: string[];
  try {
    names = await ctx.readDir(sysfsUsb);
  } catch (err) {
    if (isMissing(err)) return fromLsusb(ctx);
    return failure(err, `reading ${sysfsUsb}`);
  }
  try {
    return await fromSysfs(ctx, names);
  } catch (err) {
    return failure(err, `reading ${sysfsUsb}`);
  }
}

export async function collect(ctx: CollectContext): Promise<CollectResult<Usb>> {
  const result = await devices(ctx);
  if (result.status !== 'ok') return result;
  const { storage, notes } = await blockStorage(ctx);
  const allNotes = [...(result.notes ?? []), ...notes];
  return { status: 'ok', data: { ...result.data, storage }, ...(allNotes.length ? { notes: allNotes } : {}) };
}
