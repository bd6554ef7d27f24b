import { describe, expect, it } from 'vitest';
import { localeInputMethod, localeLanguage, localeTimezone } from '../../../rules/context/locale.js';
import { globMatcher } from '../../../rules/context/glob.js';
import { makeContext, withLocale } from './make-snapshot.js';

const americas = makeContext({ expected: { timezones: ['America/*'], locales: ['en-*'], keyboardLayouts: ['us'], countries: [] } });

describe('globMatcher', () => {
  it('matches IANA globs across slashes, case-insensitively, and escapes regex characters', () => {
    const m = globMatcher(['America/*', 'Etc/GMT+5']);
    expect(m('America/Argentina/Buenos_Aires')).toBe(true);
    expect(m('america/new_york')).toBe(true);
    expect(m('Etc/GMT+5')).toBe(true);
    expect(m('Etc/GMTT5')).toBe(false);
    expect(m('Asia/Pyongyang')).toBe(false);
    expect(globMatcher([])('America/Chicago')).toBe(false);
  });
});

describe('locale.timezone', () => {
  it('fires for a clock outside the expected region, citing the zone', () => {
    const [m, ...rest] = localeTimezone.evaluate(withLocale({ timezone: 'Asia/Pyongyang', utcOffsetMinutes: 540, timezoneSource: 'TZ' }), americas);
    expect(rest).toHaveLength(0);
    expect(m?.confidence).toBeGreaterThanOrEqual(0.9);
    expect(m?.evidence).toMatchObject({ timezone: 'Asia/Pyongyang', outside: ['Asia/Pyongyang'], source: 'TZ', expected: ['America/*'] });
  });

  it('is quiet inside the region, and with no region configured', () => {
    expect(localeTimezone.evaluate(withLocale({ timezone: 'America/New_York' }), americas)).toEqual([]);
    expect(localeTimezone.evaluate(withLocale({ timezone: 'Asia/Shanghai' }), makeContext())).toEqual([]);
  });

  it('also checks the OS zone when the process zone differs', () => {
    const s = withLocale({ timezone: 'America/New_York', systemTimezone: 'Asia/Shenyang' });
    expect(localeTimezone.evaluate(s, americas)[0]?.evidence.outside).toEqual(['Asia/Shenyang']);
  });

  it('ignores an OS left on UTC when the user zone is inside the region', () => {
    expect(localeTimezone.evaluate(withLocale({ timezone: 'America/New_York', systemTimezone: 'Etc/UTC' }), americas)).toEqual([]);
    expect(localeTimezone.evaluate(withLocale({ timezone: 'Asia/Seoul', systemTimezone: 'Etc/UTC' }), americas)[0]?.evidence.outside).toEqual(['Asia/Seoul', 'Etc/UTC']);
  });

  it('gives UTC a low confidence: odd for a laptop, not foreign', () => {
    const [m] = localeTimezone.evaluate(withLocale({ timezone: 'Etc/UTC' }), americas);
    expect(m?.confidence).toBeLessThan(0.5);
    expect(m?.severity).toBe('low');
  });

  it('stays quiet when the locale was not collected (unknown is not outside)', () => {
    const s = withLocale({});
    expect(localeTimezone.evaluate({ ...s, locale: null }, americas)).toEqual([]);
  });
});

describe('locale.language and locale.input-method: context, never scored', () => {
  it('have weight 0 and severity info', () => {
    for (const r of [localeLanguage, localeInputMethod]) {
      expect(r.weight).toBe(0);
      expect(r.severity).toBe('info');
    }
  });

  it('report a locale outside the region, matching LANG forms too', () => {
    const s = withLocale({ locale: 'ko-KR', systemLocale: 'ko_KR.UTF-8', languages: ['ko-KR', 'en-US'] });
    expect(localeLanguage.evaluate(s, americas)[0]?.evidence.outside).toEqual(['ko-KR', 'ko_KR.UTF-8']);
    expect(localeLanguage.evaluate(withLocale({ systemLocale: 'en_US.UTF-8' }), americas)).toEqual([]);
    expect(localeLanguage.evaluate(s, makeContext())).toEqual([]);
  });

  it('report input method engines but not plain layouts', () => {
    const s = withLocale({ inputMethods: ['xkb:us::eng', 'hangul'], keyboardLayouts: ['us', 'kr'] });
    expect(localeInputMethod.evaluate(s, americas)[0]?.evidence).toEqual({ keyboardLayouts: ['kr'], inputMethods: ['hangul'] });
    expect(localeInputMethod.evaluate(withLocale({ inputMethods: ['xkb:us::eng'] }), americas)).toEqual([]);
    expect(localeInputMethod.evaluate(s, makeContext())).toEqual([]);
  });
});
