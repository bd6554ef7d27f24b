import { createHash, createHmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { windowsTool } from '../collectors/programs.js';
import type { Snapshot } from '../schema/snapshot/index.js';
import type { Report } from '../schema/report.js';
import { catalogSerials, edidSerialInput, isGenericSerial, normalizePeerId, usbSerialInput } from '../rules/fleet/index.js';
import { deviceCatalogs } from '../rules/device/catalogs.js';

type Identity = Report['identity'];

/** aa:bb:cc:dd:ee:ff from any common spelling (dashes, dots, upper case, missing leading zeros); undefined if not a MAC. */
export function normalizeMac(raw: string): string | undefined {
  const text = raw.trim().toLowerCase();
  let parts: string[];
  if (/^[0-9a-f]{12}$/.test(text)) parts = text.match(/../g) ?? [];
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(text)) parts = text.replace(/\./g, '').match(/../g) ?? [];
  else parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-f]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.padStart(2, '0')).join(':');
}

/** VRRP (00:00:5e:00:01:xx) and VRRP-over-IPv6 (00:00:5e:00:02:xx) MACs belong to a router group, not to a place. */
export function isVirtualRouterMac(mac: string): boolean {
  return mac.startsWith('00:00:5e:00:01:') || mac.startsWith('00:00:5e:00:02:');
}

/**
 * HMAC-SHA256 hex of a normalised MAC under the fleet key: the server compares places without learning them.
 * The key is the fleet key's bytes (it travels base64url-encoded), the same convention as the server's.
 */
export function placeHash(fleetKey: string, mac: string): string {
  return createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(normalizeMac(mac) ?? mac.trim().toLowerCase()).digest('hex');
}

/** Usable place MAC: parses, is not all zeros / broadcast, and is not a virtual-router MAC. */
function placeMac(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const mac = normalizeMac(raw);
  if (!mac || mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff' || isVirtualRouterMac(mac)) return undefined;
  return mac;
}

/** The report's identity block: time zone in clear, place identifiers as HMACs. */
export function identityOf(snapshot: Snapshot, fleetKey: string, fallbackTimezone = Intl.DateTimeFormat().resolvedOptions().timeZone): Identity {
  const identity: Identity = { timezone: snapshot.locale?.timezone ?? fallbackTimezone };
  const net = snapshot.network?.identity;
  if (!net) return identity;
  const gateway = placeMac(net.gateway?.mac);
  if (gateway) identity.gatewayMac = placeHash(fleetKey, gateway);
  const bssid = placeMac(net.wifi?.bssid);
  if (bssid) identity.wifiBssid = placeHash(fleetKey, bssid);
  const neighbors = [...new Set(net.neighbors.map((n) => placeMac(n.mac)).filter((m): m is string => m !== undefined))];
  if (neighbors.length) identity.neighborMacs = neighbors.slice(0, 1024).map((m) => placeHash(fleetKey, m)).sort();
  // The laptop's own MACs, hashed alike, so the server can find it in another laptop's neighbour table.
  const own = [...new Set((snapshot.network?.interfaces ?? []).filter((i) => i.kind !== 'loopback').map((i) => placeMac(i.mac)).filter((m): m is string => m !== undefined))];
  if (own.length) identity.selfMacs = own.slice(0, 64).map((m) => placeHash(fleetKey, m)).sort();
  return identity;
}

/**
 * A copy of the snapshot whose place identifiers (gateway MAC, BSSID, neighbour MACs) are replaced by the same HMACs
 * as in `identity`, so nothing leaves in clear. Virtual-router MACs are hashed too here (they are not places, but
 * nothing raw should travel). Unless `clearIdentifiers` (central policy), the laptop's own identifiers are hashed
 * alike: the machine id, each interface MAC and the Wi-Fi SSID. Rules have run on the raw values before this.
 */
export function hashSnapshotPlaces(snapshot: Snapshot, fleetKey: string, opts: { clearIdentifiers?: boolean } = {}): Snapshot {
  const hashed = hashSnapshotIdentifiers(hashPeripheralSerials(snapshot, fleetKey), fleetKey, opts);
  return hashed.remoteSessions ? { ...hashed, remoteSessions: hashRemoteSessions(hashed.remoteSessions, fleetKey) } : hashed;
}

/**
 * A remote peer's id and address, keyed like the place identifiers: always, whatever clearIdentifiers says (they are
 * a third party's, not this laptop's). HMAC-SHA256 under the fleet key's bytes of the trimmed, lower-cased value (the
 * convention placeHash uses for a value that is not a MAC), so the server can hash a help-desk id the same way and
 * re-key both as it does MACs. The value is normalised as the server normalises help-desk ids (normalizePeerId:
 * trimmed, lower-cased, spaces dropped: AnyDesk shows "123 456 789" for 123456789).
 */
export function peerHash(fleetKey: string, raw: string): string {
  return createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(normalizePeerId(raw)).digest('hex');
}

function hashRemoteSessions(data: NonNullable<Snapshot['remoteSessions']>, fleetKey: string): NonNullable<Snapshot['remoteSessions']> {
  return {
    ...data,
    sessions: data.sessions.map((s) => ({
      ...s,
      ...(s.peerId !== undefined ? { peerId: peerHash(fleetKey, s.peerId) } : {}),
      ...(s.peerAddress !== undefined ? { peerAddress: peerHash(fleetKey, s.peerAddress) } : {}),
    })),
  };
}

/**
 * Finding evidence with every `peerId` / `peerAddress` string (at any depth) replaced by its peerHash: the rules saw
 * raw ids on the laptop; what leaves carries the same hashes as the snapshot.
 */
export function hashEvidencePeers<T>(value: T, fleetKey: string, depth = 0): T {
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => hashEvidencePeers(v, fleetKey, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = (k === 'peerId' || k === 'peerAddress') && typeof v === 'string' ? peerHash(fleetKey, v) : hashEvidencePeers(v, fleetKey, depth + 1);
  }
  return out as T;
}

function hashSnapshotIdentifiers(snapshot: Snapshot, fleetKey: string, opts: { clearIdentifiers?: boolean }): Snapshot {
  const hash = (raw: string) => placeHash(fleetKey, raw);
  const own = opts.clearIdentifiers !== true;
  const host = snapshot.host && own && snapshot.host.machineId !== undefined ? { ...snapshot.host, machineId: hash(snapshot.host.machineId) } : snapshot.host;
  const net = snapshot.network;
  if (!net) return host === snapshot.host ? snapshot : { ...snapshot, host };
  const id = net.identity;
  const wifi = id.wifi
    ? { ...id.wifi, bssid: id.wifi.bssid ? hash(id.wifi.bssid) : id.wifi.bssid, ...(own && id.wifi.ssid ? { ssid: hash(id.wifi.ssid) } : {}) }
    : null;
  return {
    ...snapshot,
    ...(host !== snapshot.host ? { host } : {}),
    network: {
      ...net,
      interfaces: own ? net.interfaces.map((i) => (i.mac !== undefined ? { ...i, mac: hash(i.mac) } : i)) : net.interfaces,
      identity: {
        ...id,
        gateway: id.gateway ? { ...id.gateway, ...(id.gateway.mac ? { mac: hash(id.gateway.mac) } : {}) } : null,
        neighbors: id.neighbors.map((n) => ({ ...n, mac: hash(n.mac) })),
        wifi,
      },
    },
  };
}

/** HMAC-SHA256 hex under the fleet key of a value already in its canonical form (serials, peer ids). */
export function keyedHash(fleetKey: string, value: string): string {
  return createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(value).digest('hex');
}

let knownSerials: Set<string> | undefined;
/** Serials the hardware catalogs list: public defaults, left in clear so the server's rules still match them. */
function catalogued(serial: string | number): boolean {
  try {
    knownSerials ??= catalogSerials(deviceCatalogs());
  } catch {
    knownSerials = new Set();
  }
  return knownSerials.has(String(serial).trim().toLowerCase());
}

const unitSerial = (s: string | number | undefined): s is string | number => s !== undefined && !isGenericSerial(s) && !catalogued(s);

/**
 * Monitor and USB serials leave the laptop as keyed hashes, always (they identify a unit, like a MAC): the server
 * compares them across laptops (fleet.shared-peripheral) without learning them. The hash covers the model too
 * (rules/fleet/shared-peripheral.ts), so two vendors' equal serials stay apart. Generic serials ("0000", "0123456789")
 * and serials a hardware catalog lists (an IP-KVM's default) name no unit: they stay in clear, so the server's own
 * rules still match them. A hashed monitor keeps its serial only as that hash (in serialText); its numeric serial and
 * its raw EDID bytes, which hold both serials, are not sent.
 */
export function hashPeripheralSerials(snapshot: Snapshot, fleetKey: string): Snapshot {
  let out = snapshot;
  if (snapshot.usb?.devices.some((d) => unitSerial(d.serial))) {
    out = {
      ...out,
      usb: {
        ...snapshot.usb,
        devices: snapshot.usb.devices.map((d) => (unitSerial(d.serial) ? { ...d, serial: keyedHash(fleetKey, usbSerialInput(d.vendorId, d.productId, String(d.serial))) } : d)),
      },
    };
  }
  const displays = snapshot.displays;
  if (displays?.connectors.some((c) => c.edid && (unitSerial(c.edid.serialText) || unitSerial(c.edid.serialNumber)))) {
    out = {
      ...out,
      displays: {
        ...displays,
        connectors: displays.connectors.map((c) => {
          const e = c.edid;
          if (!e || catalogued(e.serialText ?? '') || !(unitSerial(e.serialText) || unitSerial(e.serialNumber))) return c;
          const serial = unitSerial(e.serialText) ? e.serialText : (e.serialNumber as number);
          const { serialNumber: _n, hex: _hex, ...rest } = e;
          return { ...c, edid: { ...rest, serialText: keyedHash(fleetKey, edidSerialInput(e.manufacturerId, e.productCode, serial)) } };
        }),
      },
    };
  }
  return out;
}

/** Reads the OS's stable machine id cheaply: one file on Linux, one command on macOS and Windows. */
export async function readHardwareId(platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  try {
    if (platform === 'darwin') {
      const out = await run('/usr/sbin/ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice']);
      return /"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(out)?.[1];
    }
    if (platform === 'win32') {
      const out = await run(windowsTool('reg.exe'), ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid']);
      return /MachineGuid\s+REG_SZ\s+(\S+)/.exec(out)?.[1];
    }
    for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
      const text = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (text) return text;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The deviceId derived from the hardware id: a hash, so the raw machine id never leaves the laptop. */
export function deviceIdFromHardwareId(hardwareId: string): string {
  return createHash('sha256').update(`farmwatch-device:${hardwareId.trim().toLowerCase()}`).digest('hex').slice(0, 32);
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 5_000, windowsHide: true, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
