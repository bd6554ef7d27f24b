import { describe, expect, it } from 'vitest';
import {
  inputMethodsFromEnv, parseAssignments, parseFcitx5Profile, parseXorgKeyboard, posixToBcp47, xkbLayouts, zoneFromLocaltimeLink,
} from '../../../collectors/locale/parse-config.js';
import { canonicalZone, resolveTimezone, utcOffsetMinutes } from '../../../collectors/locale/timezone.js';
import { fixture } from '../../helpers/fake-context.js';

describe('settings files', () => {
  it('reads XKB layouts with their variants from /etc/default/keyboard', () => {
    const kv = parseAssignments(fixture('linux', 'etc-default-keyboard-us-kr.txt'));
    expect(xkbLayouts(kv.get('XKBLAYOUT'), kv.get('XKBVARIANT'))).toEqual(['us', 'kr(kr104)']);
    expect(xkbLayouts(undefined, 'x')).toEqual([]);
  });

  it('reads localed\'s xorg.conf.d keyboard file', () => {
    expect(parseXorgKeyboard(fixture('linux', 'xorg-00-keyboard.conf.txt'))).toEqual(['us', 'ru(phonetic)']);
    expect(parseXorgKeyboard('Section "InputClass"\nEndSection\n')).toEqual([]);
  });

  it('a locale file with only its header gives no LANG', () => {
    expect(parseAssignments(fixture('linux', 'etc-default-locale-debian12.txt')).get('LANG')).toBeUndefined();
    expect(parseAssignments('LANG="ko_KR.UTF-8"\nexport LC_TIME=\'en_GB.UTF-8\'\n')).toEqual(new Map([['LANG', 'ko_KR.UTF-8'], ['LC_TIME', 'en_GB.UTF-8']]));
  });

  it('splits a fcitx5 profile into layouts and engines', () => {
    expect(parseFcitx5Profile(fixture('linux', 'fcitx5-profile-hangul.txt'))).toEqual({ layouts: ['us'], inputMethods: ['fcitx5:hangul'] });
    expect(parseFcitx5Profile('garbage\nName=x\n')).toEqual({ layouts: [], inputMethods: [] });
  });

  it('names input-method frameworks from the environment', () => {
    expect(inputMethodsFromEnv({ GTK_IM_MODULE: 'ibus', QT_IM_MODULE: 'ibus', XMODIFIERS: '@im=ibus' })).toEqual(['ibus']);
    expect(inputMethodsFromEnv({ GTK_IM_MODULE: 'fcitx', XMODIFIERS: '@im=kime' })).toEqual(['fcitx', 'kime']);
    expect(inputMethodsFromEnv({ GTK_IM_MODULE: 'xim' })).toEqual([]);
  });

  it('converts POSIX locales and /etc/localtime targets', () => {
    expect([posixToBcp47('ko_KR.UTF-8'), posixToBcp47('sr_RS@latin'), posixToBcp47('C.UTF-8'), posixToBcp47('POSIX')]).toEqual(['ko-KR', 'sr-RS', undefined, undefined]);
    expect(zoneFromLocaltimeLink('/usr/share/zoneinfo/Asia/Seoul')).toBe('Asia/Seoul');
    expect(zoneFromLocaltimeLink('../usr/share/zoneinfo/posix/America/New_York')).toBe('America/New_York');
    expect(zoneFromLocaltimeLink('/etc/alt/localtime')).toBeUndefined();
  });
});

describe('time zone', () => {
  it('TZ wins and the OS zone is kept apart when it differs', () => {
    expect(resolveTimezone({ intlZone: 'Asia/Pyongyang', envTz: 'Asia/Pyongyang', localtimeZone: 'Etc/UTC' }))
      .toEqual({ timezone: 'Asia/Pyongyang', timezoneSource: 'TZ', systemTimezone: 'Etc/UTC' });
  });
  it('no TZ: the source is the file that agrees with Intl, spellings canonicalised', () => {
    expect(resolveTimezone({ intlZone: 'UTC', localtimeZone: 'Etc/UTC', etcTimezone: 'Etc/UTC' })).toEqual({ timezone: 'UTC', timezoneSource: '/etc/localtime' });
    expect(resolveTimezone({ intlZone: 'Asia/Seoul', etcTimezone: 'Asia/Seoul' })).toEqual({ timezone: 'Asia/Seoul', timezoneSource: '/etc/timezone' });
    expect(resolveTimezone({ intlZone: 'Europe/Berlin' })).toEqual({ timezone: 'Europe/Berlin', timezoneSource: 'Intl' });
    expect(canonicalZone('Not/AZone')).toBe('Not/AZone');
  });
  it('computes offsets east-positive, with DST', () => {
    expect(utcOffsetMinutes(new Date('2026-01-15T15:00:00Z'), 'Asia/Pyongyang')).toBe(540);
    expect(utcOffsetMinutes(new Date('2026-01-15T15:00:00Z'), 'America/New_York')).toBe(-300);
    expect(utcOffsetMinutes(new Date('2026-07-15T15:00:00Z'), 'America/New_York')).toBe(-240);
    expect(utcOffsetMinutes(new Date('2026-01-15T15:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });
});
