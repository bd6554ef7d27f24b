import { asArray, asRecord, str } from '../win32/ps-json.js';
import type { SoftwareItem } from '../../schema/snapshot/software.js';

/** The executable of a service's ImagePath/PathName: `"C:\Program Files\X\x.exe" --service` or `C:\Windows\x.exe -k y`. */
export function servicePath(pathName: string): string {
  const quoted = /^"([^"]+)"/.exec(pathName);
  if (quoted) return quoted[1]!;
  const exe = /^(.*?\.(?:exe|sys|dll))(?:\s|$)/i.exec(pathName);
  return exe ? exe[1]! : pathName;
}

/**
 * Pure: the inventory's `software` section → items. Apps come from the Uninstall keys of HKLM, HKLM\WOW6432Node and
 * each loaded user hive (HKU\S-1-5-21-…): per-user installs (AnyDesk, Chrome Remote Desktop host for one user) live
 * there. A key seen under two roots (32- and 64-bit views) is listed once. Services from Win32_Service.
 */
export function parseWinSoftware(section: unknown): { items: SoftwareItem[]; skipped: number } {
  const s = asRecord(section) ?? {};
  const items: SoftwareItem[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const row of asArray(s.apps)) {
    const a = asRecord(row);
    const name = str(a?.name);
    if (!a || !name) {
      skipped += 1;
      continue;
    }
    const version = str(a.version);
    const key = `${name}\u0000${version ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = str(a.location);
    const publisher = str(a.publisher);
    items.push({ name, source: 'registry', ...(version ? { version } : {}), ...(path ? { path } : {}), ...(publisher ? { publisher } : {}) });
  }
  for (const row of asArray(s.services)) {
    const v = asRecord(row);
    const name = str(v?.name);
    if (!v || !name) {
      skipped += 1;
      continue;
    }
    const pathName = str(v.path);
    const mode = str(v.startMode);
    items.push({
      name, source: 'service', ...(pathName ? { path: servicePath(pathName) } : {}),
      ...(mode ? { enabled: /^auto/i.test(mode) } : {}),
    });
  }
  return { items, skipped };
}
