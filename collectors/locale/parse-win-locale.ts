import { asArray, asRecord, bool, str } from '../win32/ps-json.js';
import { canonicalZone } from './timezone.js';
import { windowsZones } from './windows-zones.js';

/**
 * Keyboard layout ids (KLID) → the short names Linux (XKB) uses, so one `expected.keyboardLayouts` list serves all
 * platforms. Only layouts whose KLID is listed in Microsoft's "Keyboard identifiers for Windows" table; others stay
 * as "klid:XXXXXXXX".
 */
const klidNames: Record<string, string> = {
  '00000409': 'us', '00020409': 'us-intl', '00010409': 'us-dvorak', '00000809': 'gb', '00001009': 'ca', '00000407': 'de',
  '0000040c': 'fr', '0000080c': 'be', '00000410': 'it', '0000040a': 'es', '00000816': 'pt', '00000416': 'br',
  '00000413': 'nl', '00000406': 'dk', '0000041d': 'se', '00000414': 'no', '0000040b': 'fi', '00000415': 'pl',
  '00000405': 'cz', '0000040e': 'hu', '00000418': 'ro', '00000419': 'ru', '00000422': 'ua', '00000423': 'by',
  '0000041f': 'tr', '00000408': 'gr', '0000040d': 'il', '00000401': 'ara', '00000429': 'ir', '00000412': 'kr',
  '00000411': 'jp', '00000804': 'cn', '00000404': 'tw', '0000041e': 'th', '0000042a': 'vn', '00000439': 'in',
};

/** Text Services Framework input processors (IMEs) by CLSID, as they appear in "User Profile\<lang>" value names. */
const tipNames: Record<string, string> = {
  '{A028AE76-01B1-46C2-99C4-ACD9858AE02F}': 'Microsoft IME (Korean)',
  '{03B5835F-F03C-411B-9CE2-AA23E1171E36}': 'Microsoft IME (Japanese)',
  '{81D4E9C9-1D3B-41BC-9E6C-4B40BF79E35E}': 'Microsoft Pinyin (Chinese Simplified)',
};

export function layoutName(klid: string): string {
  const k = klid.toLowerCase();
  return klidNames[k] ?? `klid:${k}`;
}

export interface WinZone { iana?: string; windowsId?: string }

/** Windows zone id → IANA (CLDR windowsZones, territory 001); undefined when CLDR does not list it. */
export function ianaFromWindows(windowsId: string): string | undefined {
  const iana = windowsZones[windowsId];
  return iana ? canonicalZone(iana) : undefined;
}

export interface WinLocaleFacts {
  windowsZone?: string;
  systemLocale?: string;
  userLocale?: string;
  owner?: string;
  languages: string[];
  keyboardLayouts: string[];
  inputMethods: string[];
  notes: string[];
}

/**
 * Pure: the inventory's `locale` section (+ the `console` user) → the console user's languages, layouts and IMEs.
 * Layouts: HKU\<SID>\Keyboard Layout\Preload (through Substitutes) plus the "LCID:KLID" entries of each language in
 * Control Panel\International\User Profile; input methods: that list's "LCID:{TIP CLSID}{profile}" entries.
 */
export function parseWinLocale(section: unknown, consoleUser: string | undefined): WinLocaleFacts {
  const s = asRecord(section) ?? {};
  const notes: string[] = [];
  const windowsZone = str(s.timezone);
  const systemLocale = str(s.systemLocale);
  const userLocale = str(s.userLocale);
  const languages = asArray(s.languages).map(str).filter((x): x is string => x !== undefined);
  const substitutes = asRecord(s.substitutes) ?? {};
  const layouts: string[] = [];
  const add = (klid: string) => {
    const name = layoutName(klid);
    if (!layouts.includes(name)) layouts.push(name);
  };
  for (const pre of asArray(s.preload).map(str)) {
    if (!pre || !/^[0-9a-f]{8}$/i.test(pre)) continue;
    const sub = str(substitutes[pre] ?? substitutes[pre.toLowerCase()] ?? substitutes[pre.toUpperCase()]);
    add(sub && /^[0-9a-f]{8}$/i.test(sub) ? sub : pre);
  }
  const inputMethods: string[] = [];
  for (const row of asArray(s.profiles)) {
    const p = asRecord(row);
    const id = str(p?.id);
    const lang = str(p?.language) ?? '?';
    const m = id && /^[0-9a-f]{4}:(.+)$/i.exec(id);
    if (!m) continue;
    const rest = m[1]!;
    if (/^[0-9a-f]{8}$/i.test(rest)) add(rest);
    else {
      const clsid = /^(\{[0-9A-F-]{36}\})/i.exec(rest)?.[1]?.toUpperCase();
      const name = `${lang}:${(clsid && tipNames[clsid]) ?? rest}`;
      if (!inputMethods.includes(name)) inputMethods.push(name);
    }
  }
  const hiveLoaded = bool(s.hiveLoaded);
  if (!str(s.sid)) notes.push('no console user (nobody signed in at the console): languages, keyboard layouts and input methods unknown');
  else if (hiveLoaded === false) notes.push('the console user\'s registry hive is not loaded: languages, keyboard layouts and input methods unknown');
  return {
    ...(windowsZone ? { windowsZone } : {}), ...(systemLocale ? { systemLocale } : {}), ...(userLocale ? { userLocale } : {}),
    ...(consoleUser && str(s.sid) ? { owner: consoleUser } : {}),
    languages, keyboardLayouts: layouts, inputMethods, notes,
  };
}
