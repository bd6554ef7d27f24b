/**
 * Pure parsers of the macOS Wi-Fi status: `ipconfig getsummary <if>` (macOS 13+; "  SSID : name", "  BSSID : aa:bb:…",
 * "<redacted>" when the caller lacks Location Services permission, as on macOS 14.4+/15 for a root daemon), and the
 * older `airport -I` ("          BSSID: 3c:37:86:15:ad:f9", "           SSID: name"; the tool is gone since 14.4).
 * A withheld value is null with the reason, never an empty string.
 */
export interface MacWifi {
  associated: boolean;
  ssid: string | null;
  bssid: string | null;
  unavailableReason?: string;
}

const REDACTED = /^<redacted>$|^$/i;

function finish(ssid: string | undefined, bssid: string | undefined, associated: boolean): MacWifi {
  const s = ssid !== undefined && !REDACTED.test(ssid) ? ssid : null;
  const b = bssid !== undefined && /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(bssid) ? bssid.split(':').map((x) => x.padStart(2, '0').toLowerCase()).join(':') : null;
  const withheld = [ssid, bssid].some((v) => v !== undefined && REDACTED.test(v));
  const reason = !associated ? undefined
    : withheld ? 'macOS withholds SSID/BSSID without Location Services permission for this process'
    : s === null || b === null ? 'SSID or BSSID not printed by the tool' : undefined;
  return { associated, ssid: s, bssid: b, ...(reason ? { unavailableReason: reason } : {}) };
}

export function parseIpconfigSummary(text: string): MacWifi | undefined {
  if (!/InterfaceType\s*:\s*WiFi/i.test(text) && !/\bSSID\s*:/.test(text)) return undefined;
  // Top-level keys only (two-space indent); nested dictionaries repeat some names.
  const top = (k: string) => new RegExp(`^ {2}${k} : (.*)$`, 'm').exec(text)?.[1]?.trim();
  const active = top('LinkStatusActive');
  const ssid = top('SSID'), bssid = top('BSSID');
  const associated = active !== undefined ? active === 'TRUE' : ssid !== undefined;
  return finish(ssid, bssid, associated);
}

export function parseAirportI(text: string): MacWifi | undefined {
  const field = (k: string) => new RegExp(`^\\s*${k}: ?(.*)$`, 'm').exec(text)?.[1]?.trim();
  const state = field('state');
  if (/AirPort: Off/i.test(text)) return { associated: false, ssid: null, bssid: null };
  if (state === undefined && field('SSID') === undefined) return undefined;
  return finish(field('SSID'), field('BSSID'), state === undefined || state === 'running');
}
