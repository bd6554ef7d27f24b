import type { IntlFacts } from './intl-facts.js';

/**
 * Intl's answers for this process (its time zone and its locale) read from what ICU itself reads, without loading
 * ICU's data: the TZ variable or the /etc/localtime link, and LC_ALL/LC_MESSAGES/LANG, each followed as ICU follows it
 * (icu4c putil.cpp, uprv_tzname and uprv_getDefaultLocaleID; V8's default locale). Pure; undefined whenever the
 * reading is not exact (a name the facts do not hold, a POSIX rule in TZ, a locale modifier, an empty variable):
 * then the collector asks Intl.
 */

/** ICU drops these prefixes of a zone path. */
const zonePrefix = /^(?:posix|right)\//;

/**
 * The zone Intl.DateTimeFormat().resolvedOptions().timeZone gives: from TZ when it is set, else from the real path of
 * /etc/localtime (ICU resolves the whole chain of links, then takes what follows the first "/zoneinfo/").
 */
export function processZone(facts: IntlFacts, envTz: string | undefined, localtimeRealPath: string | undefined): string | undefined {
  let id: string;
  if (envTz !== undefined) {
    id = envTz.replace(/^:/, '');
  } else {
    const at = localtimeRealPath?.indexOf('/zoneinfo/') ?? -1;
    if (localtimeRealPath === undefined || at < 0) return undefined; // a copied file: ICU searches the zoneinfo folder
    id = localtimeRealPath.slice(at + '/zoneinfo/'.length);
  }
  id = id.replace(zonePrefix, '');
  // ICU takes no name with a digit or a comma from these (POSIX rules such as EST5EDT or UTC0 go another way), and
  // drops a 3-4 letter name whose offset disagrees with the C library's (an abbreviation): both left to Intl.
  if (id === '' || /[0-9,]/.test(id)) return undefined;
  if (id.length <= 4 && id !== 'UTC' && id !== 'GMT') return undefined;
  return Object.hasOwn(facts.zones, id) ? facts.zones[id] : undefined;
}

/** The locale Intl.DateTimeFormat().resolvedOptions().locale gives, from the variables ICU reads, in its order. */
export function processLocale(facts: IntlFacts, env: Readonly<Record<string, string | undefined>>): string | undefined {
  // ICU takes the first of these that is set at all, even when empty.
  const posix = env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG;
  // Unset, C and POSIX are ICU's en_US_POSIX, which V8 reports as en-US.
  if (posix === undefined) return 'en-US';
  if (posix.includes('@')) return undefined; // modifiers (@latin, @euro, nynorsk) change the locale ICU makes
  const name = posix.replace(/\..*$/, '');
  if (name === 'C' || name === 'POSIX') return 'en-US';
  const m = /^([a-z]{2,3})(?:_([A-Z]{2}))?$/.exec(name);
  if (!m) return undefined;
  const tag = m[2] ? `${m[1]}-${m[2]}` : m[1]!;
  return facts.locales.includes(tag) ? tag : undefined;
}

/** The zone's offset from UTC at `at` for the zone this process runs in (the one processZone names), east positive. */
export function processOffsetMinutes(at: Date): number {
  // Date's local time is ICU's default zone too: this loads its zone rules, not the formatting data.
  return 0 - Math.round(at.getTimezoneOffset()) || 0;
}
