import { networkInterfaces as osNetworkInterfaces } from 'node:os';
import { posix } from 'node:path';
import { errorCodeOf } from '../errors.js';
import type { CollectContext } from '../types.js';
import { classifyInterface, parseUevent, usbDeviceDir, type SysfsInterface } from './classify-interface.js';
import type { NetInterface } from '../../schema/snapshot/network.js';

export type AddressSource = () => NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

const IFF_UP = 0x1;
const sys = '/sys/class/net';

const attempt = async <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
const exists = async (p: Promise<unknown>): Promise<boolean> => p.then(() => true, () => false);

/** Interfaces from /sys/class/net (kind, MAC, driver, USB parent) with addresses from os.networkInterfaces(). */
export async function readInterfaces(
  ctx: CollectContext,
  addressSource: AddressSource = osNetworkInterfaces,
  notes: string[] = [],
): Promise<{ interfaces: NetInterface[]; wireless: string[] }> {
  const addrs = addressesByName(addressSource());
  let names: string[];
  try {
    names = (await ctx.readDir(sys)).sort();
  } catch (err) {
    notes.push(`${sys} unreadable (${errorCodeOf(err)}): interface kinds unknown, names and addresses from the OS only`);
    const interfaces = [...addrs.entries()].map(([name, addresses]): NetInterface => ({ name, kind: 'other', up: true, addresses }));
    return { interfaces, wireless: [] };
  }
  const facts = await Promise.all(names.map((name) => readOne(ctx, name)));
  const interfaces = facts.map(({ sysfs, mac, up }): NetInterface => {
    const kind = classifyInterface(sysfs);
    return {
      name: sysfs.name,
      kind,
      ...(mac ? { mac } : {}),
      up,
      addresses: addrs.get(sysfs.name) ?? [],
      ...(sysfs.driver ? { driver: sysfs.driver } : {}),
      ...(sysfs.usb ? { usb: sysfs.usb } : {}),
    };
  });
  const wireless = facts.filter((f) => f.sysfs.wireless).sort((a, b) => Number(b.up) - Number(a.up));
  return { interfaces, wireless: wireless.map((f) => f.sysfs.name) };
}

async function readOne(ctx: CollectContext, name: string): Promise<{ sysfs: SysfsInterface; mac?: string; up: boolean }> {
  const dir = `${sys}/${name}`;
  const read = (f: string) => attempt(ctx.readFile(`${dir}/${f}`).then((t) => t.trim()));
  const [link, address, operstate, flags, type, uevent, wext, phy, tun, bridge, driverLink] = await Promise.all([
    attempt(ctx.readLink(dir)),
    read('address'),
    read('operstate'),
    read('flags'),
    read('type'),
    read('uevent'),
    exists(ctx.readDir(`${dir}/wireless`)),
    exists(ctx.readLink(`${dir}/phy80211`)),
    exists(ctx.readFile(`${dir}/tun_flags`)),
    exists(ctx.readDir(`${dir}/bridge`)),
    attempt(ctx.readLink(`${dir}/device/driver`)),
  ]);
  // /sys/class/net/X links to the device's place in the tree: .../usb1/1-2/1-2:1.0/net/X or /sys/devices/virtual/net/X.
  const devicePath = link ? posix.resolve(sys, link) : undefined;
  const devtype = uevent ? parseUevent(uevent).DEVTYPE : undefined;
  const sysfs: SysfsInterface = {
    name,
    wireless: wext || phy || devtype === 'wlan',
    tun,
    bridge,
    ...(type && /^\d+$/.test(type) ? { type: Number(type) } : {}),
    ...(devtype ? { devtype } : {}),
    ...(devicePath ? { devicePath } : {}),
    ...(driverLink ? { driver: posix.basename(driverLink) } : {}),
  };
  const usbDir = devicePath ? usbDeviceDir(devicePath) : undefined;
  if (usbDir) {
    const [vendorId, productId] = await Promise.all([
      attempt(ctx.readFile(`${usbDir}/idVendor`)),
      attempt(ctx.readFile(`${usbDir}/idProduct`)),
    ]);
    if (vendorId && productId) sysfs.usb = { vendorId: vendorId.trim().toLowerCase(), productId: productId.trim().toLowerCase() };
  }
  const flagBits = flags && /^0x[0-9a-f]+$/i.test(flags) ? Number.parseInt(flags, 16) : undefined;
  // operstate is "unknown" for loopback and most tunnels even when they carry traffic: then trust IFF_UP.
  const up = operstate === 'up' || (operstate === 'unknown' && flagBits !== undefined && (flagBits & IFF_UP) !== 0);
  const mac = address && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(address) && address !== '00:00:00:00:00:00' ? address.toLowerCase() : undefined;
  return mac ? { sysfs, mac, up } : { sysfs, up };
}

function addressesByName(dict: ReturnType<AddressSource>): Map<string, NetInterface['addresses']> {
  const out = new Map<string, NetInterface['addresses']>();
  for (const [name, infos] of Object.entries(dict)) {
    out.set(
      name,
      (infos ?? []).map((i) => {
        const family = i.family === 'IPv6' || (i.family as unknown) === 6 ? 6 : 4;
        return { address: i.address, family, ...(i.cidr ? { cidr: i.cidr } : {}) };
      }),
    );
  }
  return out;
}
