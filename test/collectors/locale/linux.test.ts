import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildIntlFacts } from '../../../collectors/locale/intl-facts-build.js';
import { collect } from '../../../collectors/locale/linux.js';
import { localeSchema } from '../../../schema/snapshot/locale.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const run = promisify(execFile);
const dist = new URL('../../../dist/collectors/', import.meta.url).pathname;

describe('locale (Linux) over fake files', () => {
  it('reads keyboards, fcitx5 of the graphical user (owner set), env input methods and LANGUAGE', async () => {
    const r = await collect(fakeContext({
      env: { LANG: 'ko_KR.UTF-8', LANGUAGE: 'ko:en_US', XMODIFIERS: '@im=fcitx', HOME: '/root' },
      dirs: { '/run/systemd/sessions': ['2', '2.ref'], '/home/alice/.config/ibus': [] },
      links: { '/etc/localtime': '/usr/share/zoneinfo/Asia/Seoul' },
      files: {
        '/run/systemd/sessions/2': fixture('linux', 'logind-session-2-wayland.txt'),
        '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n',
        '/etc/default/keyboard': fixture('linux', 'etc-default-keyboard-us-kr.txt'),
        '/etc/X11/xorg.conf.d/00-keyboard.conf': fixture('linux', 'xorg-00-keyboard.conf.txt'),
        '/home/alice/.config/fcitx5/profile': fixture('linux', 'fcitx5-profile-hangul.txt'),
      },
    }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(localeSchema.safeParse(r.data).success).toBe(true);
    expect(r.data).toMatchObject({
      systemLocale: 'ko_KR.UTF-8', languages: ['ko', 'en_US'],
      keyboardLayouts: ['us', 'kr(kr104)', 'ru(phonetic)'], inputMethods: ['fcitx', 'fcitx5:hangul'],
    });
    // The test process is not uid 1000, so alice's settings are another user's.
    expect(r.data.owner).toBe(process.getuid?.() === 1000 ? undefined : 'alice');
    expect(r.notes?.join(' ')).toContain('ibus is configured');
  });

  it('with nothing configured: languages from the process locale and a note, never a throw', async () => {
    const r = await collect(fakeContext({}));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.data.keyboardLayouts).toEqual([]);
    expect(r.data.languages).toEqual([Intl.DateTimeFormat().resolvedOptions().locale]);
    expect(r.notes?.join(' ')).toContain('no keyboard layout configured');
  });
});

describe('locale (Linux) with the build\'s Intl record, read as ICU reads it', () => {
  it('reads the zone once, as ICU does: a later /etc/localtime is the OS zone, not the process\'s; TZ assigned is read again', async () => {
    const facts = buildIntlFacts();
    let real = '/usr/share/zoneinfo/Europe/Berlin';
    const machine = (env: Record<string, string>, link: string) => ({
      ...fakeContext({ env: { LANG: 'de_DE.UTF-8', ...env }, links: { '/etc/localtime': link } }),
      realPath: async () => real,
    });
    const first = await collect(machine({}, '/usr/share/zoneinfo/Europe/Berlin'), facts);
    if (first.status !== 'ok') throw new Error(JSON.stringify(first));
    expect(first.data).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: '/etc/localtime', locale: 'de-DE' });
    expect(first.data.systemTimezone).toBeUndefined();
    real = '/usr/share/zoneinfo/Asia/Tokyo';
    const moved = await collect(machine({}, '/usr/share/zoneinfo/Asia/Tokyo'), facts);
    if (moved.status !== 'ok') throw new Error(JSON.stringify(moved));
    expect(moved.data).toMatchObject({ timezone: 'Europe/Berlin', timezoneSource: 'Intl', systemTimezone: 'Asia/Tokyo' });
    const assigned = await collect(machine({ TZ: 'Asia/Seoul' }, '/usr/share/zoneinfo/Asia/Tokyo'), facts);
    if (assigned.status !== 'ok') throw new Error(JSON.stringify(assigned));
    expect(assigned.data).toMatchObject({ timezone: 'Asia/Seoul', timezoneSource: 'TZ', systemTimezone: 'Asia/Tokyo', locale: 'de-DE' });
  });
});

describe.runIf(process.platform === 'linux')('locale in a real child process under TZ=Asia/Pyongyang', () => {
  // Reads this machine's real /proc and /sys: only a Linux machine has them (the fake-machine tests run everywhere).
  it.skipIf(process.platform !== 'linux')('reports the TZ zone, its source, its offset, and the OS zone apart', async (ctx) => {
    if (!existsSync(`${dist}locale/linux.js`)) ctx.skip('needs `npm run build` (runs the compiled collector in a child)');
    const script = `
      import { pino } from 'pino';
      import { createContext } from '${dist}context.js';
      import { collect } from '${dist}locale/linux.js';
      const c = createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false } });
      console.log(JSON.stringify(await collect(c)));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'Asia/Pyongyang' }, cwd: new URL('../../..', import.meta.url).pathname,
    });
    const r = JSON.parse(stdout) as { status: string; data: Record<string, unknown> };
    expect(r.status).toBe('ok');
    expect(r.data).toMatchObject({ timezone: 'Asia/Pyongyang', timezoneSource: 'TZ', utcOffsetMinutes: 540 });
    if (existsSync('/etc/localtime') || existsSync('/etc/timezone')) expect(r.data.systemTimezone).toBeTypeOf('string');
    expect(r.data.systemTimezone).not.toBe('Asia/Pyongyang');
  });
});
