import { errorCodeOf } from '../errors.js';
import { parsePlist, type PlistValue } from '../parse-plist.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseHiToolbox } from './parse-hitoolbox.js';
import { zoneFromLocaltimeLink } from './parse-config.js';
import type { Locale } from '../../schema/snapshot/locale.js';
import { resolveTimezone, utcOffsetMinutes } from './timezone.js';
import { darwinTools } from '../programs.js';

export const consoleUserArgs = ['-f', '%Su', '/dev/console'] as const;

/** The user owning /dev/console (one `stat` fork); root means the login window (nobody logged in). */
async function consoleUser(ctx: CollectContext, notes: string[]): Promise<string | undefined> {
  try {
    const name = (await ctx.exec(darwinTools.stat, consoleUserArgs, { timeoutMs: 3_000 })).trim();
    if (name && name !== 'root' && /^[A-Za-z0-9._-]+$/.test(name)) return name;
    notes.push(name === 'root' ? 'no console user (login window): input sources not read' : `console user "${name}" not understood`);
  } catch (err) {
    notes.push(`stat /dev/console failed (${errorCodeOf(err)}): console user unknown`);
  }
  return undefined;
}

async function readPlist(ctx: CollectContext, path: string, notes: string[]): Promise<PlistValue | undefined> {
  try {
    return parsePlist(await ctx.readFileBuffer(path));
  } catch (err) {
    notes.push(`${path}: ${errorCodeOf(err) === 'failed' ? (err as Error).message : errorCodeOf(err)}`);
    return undefined;
  }
}

/**
 * macOS locale: Intl for the process, /etc/localtime for the OS zone, and the CONSOLE user's preferences read as
 * files (the agent runs as root): ~/Library/Preferences/com.apple.HIToolbox.plist (input sources) and
 * .GlobalPreferences.plist (AppleLanguages, AppleLocale). One fork (`stat` of /dev/console); no plutil.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Locale>> {
  const notes: string[] = [];
  const intl = Intl.DateTimeFormat().resolvedOptions();
  const link = await ctx.readLink('/etc/localtime').catch(() => undefined);
  if (!link) notes.push('/etc/localtime is not a link: OS zone unknown');
  const zone = resolveTimezone({ intlZone: intl.timeZone, envTz: ctx.env.TZ, localtimeZone: link ? zoneFromLocaltimeLink(link) : undefined });
  const user = await consoleUser(ctx, notes);
  let keyboardLayouts: string[] = [];
  let inputMethods: string[] = [];
  let languages: string[] = [];
  let systemLocale: string | undefined;
  if (user) {
    // Home is assumed at /Users/<name> (true unless moved in Directory Utility; then the reads fail and say so).
    const prefs = `/Users/${user}/Library/Preferences`;
    const [hi, global] = await Promise.all([
      readPlist(ctx, `${prefs}/com.apple.HIToolbox.plist`, notes),
      readPlist(ctx, `${prefs}/.GlobalPreferences.plist`, notes),
    ]);
    if (hi !== undefined) ({ keyboardLayouts, inputMethods } = parseHiToolbox(hi));
    if (global && typeof global === 'object' && !Array.isArray(global) && !Buffer.isBuffer(global)) {
      const langs = global.AppleLanguages;
      if (Array.isArray(langs)) languages = langs.filter((l): l is string => typeof l === 'string');
      if (typeof global.AppleLocale === 'string') systemLocale = global.AppleLocale;
    }
  }
  if (languages.length === 0) languages = [intl.locale];
  if (user && keyboardLayouts.length === 0 && inputMethods.length === 0) notes.push('no input source listed in HIToolbox preferences');
  const data: Locale = {
    timezone: zone.timezone,
    timezoneSource: zone.timezoneSource,
    ...(zone.systemTimezone ? { systemTimezone: zone.systemTimezone } : {}),
    utcOffsetMinutes: utcOffsetMinutes(ctx.now(), zone.timezone),
    locale: intl.locale,
    ...(systemLocale ? { systemLocale } : {}),
    languages,
    keyboardLayouts,
    inputMethods,
    ...(user ? { owner: user } : {}),
  };
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
