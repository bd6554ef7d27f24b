import { defineRule, type Rule } from '../types.js';
import { globMatcher } from './glob.js';

// Zones a machine may legitimately run in whatever the region: a laptop on UTC is odd but not foreign.
const neutralZone = /^(?:UTC|Etc\/UTC|Etc\/GMT|GMT|Universal|Zulu|Etc\/Universal|Etc\/Zulu)$/i;

export const localeTimezone = defineRule({
  id: 'locale.timezone',
  title: "The machine's clock is set to a time zone outside the expected region",
  description:
    'Compares the IANA time zone of the machine (and of the OS when it differs from the process) with config ' +
    'expected.timezones (globs such as "America/*"). Operators abroad often leave or set their own zone. ' +
    'Quiet when no expected time zones are configured.',
  severity: 'medium',
  weight: 0.5,
  group: 'locale',
  // No ATT&CK technique describes "the victim machine's clock is in the operator's zone"; T1614 is discovery by an adversary.
  attack: 'none',
  attackNone: "T1614 and T1614.001 (location and language discovery) describe an adversary discovering a victim's location, the opposite direction; no technique describes a clock kept in the operator's time zone",
  falsePositives: [
    'An employee travelling, or working from another country with permission',
    'A machine deliberately kept on UTC (lower confidence)',
    'An expected region configured too narrowly (e.g. "America/New_York" for a company spanning zones)',
  ],
  evaluate(snapshot, context) {
    const locale = snapshot.locale;
    if (!locale || context.expected.timezones.length === 0) return [];
    const expected = globMatcher(context.expected.timezones);
    const zones = [locale.timezone, locale.systemTimezone].filter((z): z is string => !!z);
    // An OS left on its UTC default under a user zone inside the region is an install default, not a place.
    const userInside = expected(locale.timezone);
    const outside = [...new Set(zones)].filter((z) => !expected(z) && !(userInside && z !== locale.timezone && neutralZone.test(z)));
    if (outside.length === 0) return [];
    const neutral = outside.every((z) => neutralZone.test(z));
    return [
      {
        confidence: neutral ? 0.3 : 0.9,
        evidence: {
          timezone: locale.timezone,
          ...(locale.systemTimezone ? { systemTimezone: locale.systemTimezone } : {}),
          ...(locale.timezoneSource ? { source: locale.timezoneSource } : {}),
          utcOffsetMinutes: locale.utcOffsetMinutes,
          outside,
          expected: [...context.expected.timezones],
        },
        ...(neutral ? { severity: 'low' as const } : {}),
      },
    ];
  },
});

export const localeLanguage = defineRule({
  id: 'locale.language',
  title: 'UI language or locale outside the expected region (context only, never scores)',
  description:
    'Reports the locale and UI languages that match none of config expected.locales, as context for an analyst. ' +
    'Weight 0: the language a person reads is not evidence of anything.',
  severity: 'info',
  weight: 0,
  group: 'context',
  attack: 'none',
  attackNone: 'Context only (weight 0): the language a person reads is no technique',
  falsePositives: ['Every multilingual employee: this is why the rule never scores'],
  evaluate(snapshot, context) {
    const locale = snapshot.locale;
    if (!locale || context.expected.locales.length === 0) return [];
    const expected = globMatcher(context.expected.locales);
    const tags = [locale.locale, locale.systemLocale, ...locale.languages].filter((t): t is string => !!t);
    // LANG values look like "ko_KR.UTF-8": compare their BCP 47 form as well.
    const outside = [...new Set(tags)].filter((t) => !expected(t) && !expected(toBcp47(t)));
    if (outside.length === 0) return [];
    return [{ confidence: 1, evidence: { outside, expected: [...context.expected.locales] } }];
  },
});

export const localeInputMethod = defineRule({
  id: 'locale.input-method',
  title: 'Keyboard layout or input method outside the expected region (context only, never scores)',
  description:
    'Reports keyboard layouts outside config expected.keyboardLayouts and any input method engine (IME), as ' +
    'context. Weight 0: typing Korean or Chinese is not evidence of anything.',
  severity: 'info',
  weight: 0,
  group: 'context',
  attack: 'none',
  attackNone: 'Context only (weight 0): the keyboard layout a person types with is no technique',
  falsePositives: ['Every employee who writes more than one language: this is why the rule never scores'],
  evaluate(snapshot, context) {
    const locale = snapshot.locale;
    const configured = context.expected.keyboardLayouts.length > 0 || context.expected.locales.length > 0;
    if (!locale || !configured) return [];
    const expected = globMatcher(context.expected.keyboardLayouts);
    const layouts = context.expected.keyboardLayouts.length ? locale.keyboardLayouts.filter((l) => !expected(l)) : [];
    // Plain layouts listed as engines (ibus "xkb:us::eng", macOS "com.apple.keylayout.US") are not input methods.
    const inputMethods = locale.inputMethods.filter((m) => !/^xkb:|keylayout/i.test(m));
    if (layouts.length === 0 && inputMethods.length === 0) return [];
    return [{ confidence: 1, evidence: { keyboardLayouts: layouts, inputMethods } }];
  },
});

function toBcp47(tag: string): string {
  return tag.replace(/[.@].*$/, '').replace(/_/g, '-');
}

export const localeRules: readonly Rule[] = [localeTimezone, localeLanguage, localeInputMethod];
