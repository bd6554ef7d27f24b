import type { WifiLink } from './parse-iw.js';

/**
 * Parses `iwconfig [<if>]` (wireless-tools) for one interface: ESSID:"..." and "Access Point: <bssid>"
 * ("Not-Associated" and ESSID:off/any when not associated). Undefined when the interface is not in the text.
 */
export function parseIwconfig(text: string, iface: string): WifiLink | undefined {
  const blocks = text.split(/\n(?=\S)/);
  const block = blocks.find((b) => b.startsWith(`${iface} `) || b.startsWith(`${iface}\t`));
  if (!block || /no wireless extensions/.test(block)) return undefined;
  const ap = /Access Point: ?([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|Not-Associated|Invalid)/.exec(block);
  const essid = /ESSID:(?:"((?:[^"\\]|\\.)*)"|off\/any)/.exec(block);
  const bssid = ap && /:/.test(ap[1]!) ? ap[1]!.toLowerCase() : null;
  if (!ap && !essid) return undefined;
  const ssid = essid?.[1] ?? null;
  return { associated: bssid !== null, bssid, ssid: bssid ? ssid : null };
}

/**
 * /proc/net/wireless (wireless extensions): "wlan0: 0000   58.  -52.  -256 ...": interface, status, link quality.
 * A link quality above zero means associated; it names neither SSID nor BSSID.
 */
export function parseProcWireless(text: string): Map<string, { linkQuality: number }> {
  const out = new Map<string, { linkQuality: number }>();
  for (const line of text.split('\n')) {
    const m = /^\s*([^\s:]+):\s+[0-9a-fA-F]+\s+(-?\d+)\.?/.exec(line);
    if (m) out.set(m[1]!, { linkQuality: Number(m[2]) });
  }
  return out;
}
