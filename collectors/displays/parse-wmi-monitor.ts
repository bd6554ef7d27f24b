import { asArray, asRecord, bool, num, str } from '../win32/ps-json.js';
import { parseEdid } from './parse-edid.js';
import type { Connector, DisplayAdapter, Edid } from '../../schema/snapshot/displays.js';

/** WmiMonitorID strings are UInt16 arrays (one character each, zero-padded): [68,69,76,0,…] → "DEL". */
export function wmiString(v: unknown): string | undefined {
  const chars = asArray(v).map(num).filter((n): n is number => n !== undefined && n > 0);
  const s = String.fromCharCode(...chars).trim();
  return s === '' ? undefined : s;
}

/** D3DKMDT_VIDEO_OUTPUT_TECHNOLOGY values of an internal panel: LVDS 6, DisplayPort embedded 11, UDI embedded 13, INTERNAL 0x80000000. */
function isInternal(tech: number | undefined): boolean {
  return tech === 6 || tech === 11 || tech === 13 || tech === 0x80000000 || tech === -0x80000000;
}

const outputNames: Record<number, string> = { 0: 'VGA', 4: 'DVI', 5: 'HDMI', 6: 'LVDS', 10: 'DisplayPort', 11: 'eDP', 15: 'Miracast', 16: 'Indirect' };

/** The EDID fields WmiMonitorID itself carries, for a monitor whose registry EDID is missing. */
function edidFromWmi(m: Record<string, unknown>): Edid | undefined {
  const manufacturerId = wmiString(m.manufacturer);
  const product = wmiString(m.product);
  if (!manufacturerId || !/^[A-Z@]{3}$/.test(manufacturerId) || !product || !/^[0-9A-F]{1,4}$/i.test(product)) return undefined;
  const serialText = wmiString(m.serial);
  const monitorName = wmiString(m.name);
  const year = num(m.year);
  const week = num(m.week);
  return {
    manufacturerId, productCode: parseInt(product, 16),
    ...(serialText && serialText !== '0' ? { serialText } : {}), ...(monitorName ? { monitorName } : {}),
    ...(year ? { year } : {}), ...(week ? { week } : {}),
  };
}

/**
 * Pure: the inventory's `displays` section → connectors and adapters. A connector is one WmiMonitorID instance
 * (DISPLAY\DEL40B5\5&…&UID4352_0): present monitors only, so stale registry entries of monitors seen long ago never
 * show. Its EDID is parsed from the registry bytes of that same instance (Enum\DISPLAY\…\Device Parameters\EDID) with
 * the shared parser; without them, the WmiMonitorID fields fill the EDID. Adapters are Win32_VideoController rows
 * with their PnP hardware id and service: virtual adapters (Parsec, MttVDD, RustDesk IDD) show there.
 */
export function parseWmiDisplays(section: unknown): { connectors: Connector[]; adapters: DisplayAdapter[]; notes: string[] } {
  const s = asRecord(section) ?? {};
  const notes: string[] = [];
  const connectors: Connector[] = [];
  for (const row of asArray(s.monitors)) {
    const m = asRecord(row);
    const name = str(m?.instance);
    if (!m || !name) continue;
    const tech = num(m.videoOutput);
    const hex = str(m.edid);
    let edid: Edid | undefined;
    let edidError: string | undefined;
    if (hex) {
      const parsed = parseEdid(hex, { keepHex: true });
      if ('edid' in parsed) edid = parsed.edid;
      else edidError = parsed.error;
    } else {
      const why = str(m.edidError);
      if (why) notes.push(`${name}: registry EDID unreadable (${why}); WmiMonitorID fields used`);
    }
    edid ??= edidFromWmi(m);
    const active = bool(m.active);
    connectors.push({
      name: tech !== undefined && outputNames[tech] ? `${name} (${outputNames[tech]})` : name,
      builtin: isInternal(tech), connected: true, ...(active !== undefined ? { enabled: active } : {}),
      ...(edid ? { edid } : {}), ...(edidError ? { edidError } : {}),
    });
  }
  const adapters: DisplayAdapter[] = [];
  for (const row of asArray(s.adapters)) {
    const a = asRecord(row);
    const name = str(a?.name);
    if (!a || !name) continue;
    const pnpId = str(a.pnpId);
    const hardwareId = asArray(a.hardwareIds).map(str).find((x) => x !== undefined) ?? pnpId;
    const pci = /^PCI\\VEN_([0-9A-F]{4})&DEV_([0-9A-F]{4})/i.exec(pnpId ?? '');
    const driver = str(a.service);
    adapters.push({
      name, ...(driver ? { driver } : {}), ...(hardwareId ? { hardwareId } : {}),
      ...(pci ? { vendorId: pci[1]!.toLowerCase(), deviceId: pci[2]!.toLowerCase() } : {}),
    });
  }
  if (connectors.length && !asArray(s.monitors).some((r) => num(asRecord(r)?.videoOutput) !== undefined)) {
    notes.push('WmiMonitorConnectionParams unreadable: built-in panels not told apart');
  }
  return { connectors, adapters, notes };
}
