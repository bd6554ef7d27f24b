import { errorCodeOf, isMissing } from '../errors.js';
import { readLogindSessions } from '../activity/linux.js';
import { pickGraphicalSession } from '../activity/parse-logind.js';
import type { CollectContext, CollectResult } from '../types.js';
import {
  inputMethodsFromEnv, parseAssignments, parseFcitx5Profile, parseXorgKeyboard, posixToBcp47, xkbLayouts, zoneFromLocaltimeLink,
} from './parse-config.js';
import { loadIntlFacts, type IntlFacts } from './intl-facts.js';
import { processLocale, processOffsetMinutes, processZone } from './intl-free.js';
import { canonicalZone, resolveTimezone, utcOffsetMinutes } from './timezone.js';
import type { Locale } from '../../schema/snapshot/locale.js';

async function tryRead(ctx: CollectContext, path: string, notes: string[]): Promise<string | undefined> {
  try {
    return await ctx.readFile(path);
  } catch (err) {
    if (!isMissing(err)) notes.push(`${path} unreadable (${errorCodeOf(err)})`);
    return undefined;
  }
}

async function systemZone(ctx: CollectContext, notes: string[]) {
  const link = await ctx.readLink('/etc/localtime').catch(() => undefined);
  const etc = (await tryRead(ctx, '/etc/timezone', notes))?.trim();
  return { localtimeZone: link ? zoneFromLocaltimeLink(link) : undefined, etcTimezone: etc || undefined };
}

async function systemLocale(ctx: CollectContext, notes: string[]): Promise<string | undefined> {
  const fromEnv = ctx.env.LC_ALL || ctx.env.LC_MESSAGES || ctx.env.LANG;
  if (fromEnv) return fromEnv;
  for (const path of ['/etc/default/locale', '/etc/locale.conf']) {
    const text = await tryRead(ctx, path, notes);
    const lang = text === undefined ? undefined : parseAssignments(text).get('LANG');
    if (lang) return lang;
  }
  return undefined;
}

async function systemKeyboards(ctx: CollectContext, notes: string[]): Promise<string[]> {
  const layouts: string[] = [];
  const keyboard = await tryRead(ctx, '/etc/default/keyboard', notes);
  if (keyboard !== undefined) {
    const kv = parseAssignments(keyboard);
    layouts.push(...xkbLayouts(kv.get('XKBLAYOUT'), kv.get('XKBVARIANT')));
  }
  const vconsole = await tryRead(ctx, '/etc/vconsole.conf', notes);
  const keymap = vconsole === undefined ? undefined : parseAssignments(vconsole).get('KEYMAP');
  if (keymap) layouts.push(keymap);
  const xorg = await tryRead(ctx, '/etc/X11/xorg.conf.d/00-keyboard.conf', notes);
  if (xorg !== undefined) layouts.push(...parseXorgKeyboard(xorg));
  return layouts;
}

interface ConsoleUser {
  name?: string;
  home?: string;
  /** Set when the home read belongs to another user than this process's. */
  owner?: string;
}

/** The person at the machine: logind's graphical session user; else this process's own user. */
async function consoleUser(ctx: CollectContext): Promise<ConsoleUser> {
  const session = pickGraphicalSession((await readLogindSessions(ctx).catch(() => undefined)) ?? []);
  const myUid = process.getuid?.();
  if (session?.uid !== undefined && session.uid !== myUid) {
    const passwd = await ctx.readFile('/etc/passwd').catch(() => '');
    const entry = passwd.split('\n').map((l) => l.split(':')).find((f) => f[2] === String(session.uid));
    const name = session.user ?? entry?.[0];
    return { ...(name ? { name, owner: name } : {}), ...(entry?.[5] ? { home: entry[5] } : {}) };
  }
  return { ...(ctx.env.USER ? { name: ctx.env.USER } : {}), ...(ctx.env.HOME ? { home: ctx.env.HOME } : {}) };
}

async function userInputMethods(ctx: CollectContext, user: ConsoleUser, notes: string[]) {
  const layouts: string[] = [];
  const inputMethods: string[] = [];
  if (!user.home) {
    notes.push('no home directory for the console user: fcitx5/ibus settings not read');
    return { layouts, inputMethods };
  }
  const profile = await tryRead(ctx, `${user.home}/.config/fcitx5/profile`, notes);
  if (profile !== undefined) {
    const p = parseFcitx5Profile(profile);
    layouts.push(...p.layouts);
    inputMethods.push(...p.inputMethods);
  }
  const ibus = await ctx.readDir(`${user.home}/.config/ibus`).then(() => true, () => false);
  if (ibus) notes.push('ibus is configured, but its engines live in dconf (binary ~/.config/dconf/user): not read');
  return { layouts, inputMethods };
}

interface ProcessIntl {
  timeZone: string;
  locale: string;
  utcOffsetMinutes(at: Date): number;
  canonical(zone: string): string;
}

/**
 * What ICU read for this process: it reads the zone once (again only when TZ is assigned: Node resets it then) and the
 * locale once, so a later change of /etc/localtime or of the variables is not Intl's answer (systemTimezone shows it).
 */
let icuRead: { tz: string | undefined; zone: string | undefined; locale: string | undefined } | undefined;

/**
 * Intl's zone and locale for this process. Read from the OS as ICU reads them when that is exact (intl-free.ts, with
 * the build's recorded Intl answers): the same values, without loading ICU's data. Else from Intl.
 */
async function processIntl(ctx: CollectContext, facts: IntlFacts | undefined): Promise<ProcessIntl> {
  if (facts && ctx.realPath) {
    if (!icuRead || icuRead.tz !== ctx.env.TZ) {
      const localtime = ctx.env.TZ === undefined ? await ctx.realPath('/etc/localtime').catch(() => undefined) : undefined;
      icuRead = { tz: ctx.env.TZ, zone: processZone(facts, ctx.env.TZ, localtime), locale: icuRead?.locale ?? processLocale(facts, ctx.env) };
    }
    const { zone: timeZone, locale } = icuRead;
    if (timeZone && locale) {
      return { timeZone, locale, utcOffsetMinutes: processOffsetMinutes, canonical: (z) => (Object.hasOwn(facts.zones, z) ? facts.zones[z]! : canonicalZone(z)) };
    }
  }
  const intl = Intl.DateTimeFormat().resolvedOptions();
  return { timeZone: intl.timeZone, locale: intl.locale, utcOffsetMinutes: (at) => utcOffsetMinutes(at, intl.timeZone), canonical: canonicalZone };
}

export async function collect(ctx: CollectContext, facts: IntlFacts | undefined = loadIntlFacts()): Promise<CollectResult<Locale>> {
  const notes: string[] = [];
  const intl = await processIntl(ctx, facts);
  const zone = resolveTimezone({ intlZone: intl.timeZone, envTz: ctx.env.TZ, ...(await systemZone(ctx, notes)) }, intl.canonical);
  const sysLocale = await systemLocale(ctx, notes);
  // LANGUAGE (gettext's priority list) when set; else the one language of the locale.
  const fromLanguage = (ctx.env.LANGUAGE ?? '').split(':').map((l) => l.trim()).filter(Boolean);
  const languages = fromLanguage.length ? fromLanguage : [posixToBcp47(sysLocale ?? '') ?? intl.locale];
  const user = await consoleUser(ctx);
  const mine = await userInputMethods(ctx, user, notes);
  const data: Locale = {
    timezone: zone.timezone,
    timezoneSource: zone.timezoneSource,
    ...(zone.systemTimezone ? { systemTimezone: zone.systemTimezone } : {}),
    utcOffsetMinutes: intl.utcOffsetMinutes(ctx.now()),
    locale: intl.locale,
    ...(sysLocale ? { systemLocale: sysLocale } : {}),
    languages,
    keyboardLayouts: [...new Set([...(await systemKeyboards(ctx, notes)), ...mine.layouts])],
    inputMethods: [...new Set([...inputMethodsFromEnv(ctx.env), ...mine.inputMethods])],
    ...(user.owner ? { owner: user.owner } : {}),
  };
  if (data.keyboardLayouts.length === 0) notes.push('no keyboard layout configured in /etc/default/keyboard, /etc/vconsole.conf or xorg.conf.d');
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
