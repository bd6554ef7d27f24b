import type { CollectContext, CollectResult } from '../types.js';
import { cycleInventory } from '../win32/inventory.js';
import { asRecord, str } from '../win32/ps-json.js';
import { ianaFromWindows, parseWinLocale } from './parse-win-locale.js';
import type { Locale } from '../../schema/snapshot/locale.js';
import { canonicalZone, utcOffsetMinutes } from './timezone.js';

/**
 * Windows locale. The zone and process locale come from Intl (Node's ICU reads the Windows zone); the OS's own zone id
 * ([TimeZoneInfo]::Local.Id, as Get-TimeZone and tzutil /g print it) is mapped through CLDR windowsZones. Languages,
 * keyboard layouts and IMEs are the CONSOLE user's (read from HKU\<their SID>), not SYSTEM's: `owner` names them.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Locale>> {
  const inv = await cycleInventory(ctx);
  if ('failed' in inv) return { status: 'error', code: inv.code, message: inv.message };
  const section = inv.section('locale');
  if (!section.ok) return { status: 'error', code: section.code, message: section.message };
  const consoleSection = inv.section('console');
  const consoleUser = consoleSection.ok ? str(asRecord(consoleSection.data)?.user) : undefined;
  const f = parseWinLocale(section.data, consoleUser);
  const intlZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const tz = ctx.env.TZ?.replace(/^:/, '').trim();
  const systemZone = f.windowsZone ? ianaFromWindows(f.windowsZone) : undefined;
  const notes = [...f.notes];
  if (f.windowsZone && !systemZone) notes.push(`Windows zone "${f.windowsZone}" is not in the CLDR windowsZones table`);
  const differs = systemZone !== undefined && canonicalZone(systemZone) !== canonicalZone(intlZone);
  const timezoneSource = tz ? 'TZ' : systemZone && !differs ? `Windows zone "${f.windowsZone}" (CLDR windowsZones)` : 'Intl';
  const data: Locale = {
    timezone: intlZone,
    timezoneSource,
    ...(differs ? { systemTimezone: systemZone } : {}),
    utcOffsetMinutes: utcOffsetMinutes(ctx.now(), intlZone),
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
    ...(f.systemLocale ? { systemLocale: f.systemLocale } : {}),
    languages: f.languages.length ? f.languages : f.userLocale ? [f.userLocale] : [],
    keyboardLayouts: f.keyboardLayouts,
    inputMethods: f.inputMethods,
    ...(f.owner ? { owner: f.owner } : {}),
  };
  return { status: 'ok', data, notes };
}
