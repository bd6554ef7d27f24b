/** What a wireless tool says about the link of one interface. */
export interface WifiLink {
  associated: boolean;
  ssid: string | null;
  bssid: string | null;
}

// iw prints SSID bytes outside printable ASCII (and the backslash) as \xNN: turn them back into UTF-8 text.
export function unescapeIwSsid(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const m = /^\\x([0-9a-fA-F]{2})/.exec(text.slice(i, i + 4));
    if (m) {
      bytes.push(Number.parseInt(m[1]!, 16));
      i += 4;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses `iw dev <if> link` (iw link.c): "Connected to <bssid> (on <if>)" then "\tSSID: <ssid>", or "Not connected.".
 * Returns undefined when the text is neither (an error message, another tool's output).
 */
export function parseIwLink(text: string): WifiLink | undefined {
  if (/^Not connected\./m.test(text)) return { associated: false, ssid: null, bssid: null };
  const head = /^(?:Connected to|Authenticated with|Joined IBSS) ([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})/m.exec(text);
  if (!head) return undefined;
  const ssid = /^\s+SSID: ?(.*)$/m.exec(text);
  return {
    associated: true,
    bssid: head[1]!.toLowerCase(),
    ssid: ssid ? unescapeIwSsid(ssid[1]!) : null,
  };
}
