import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIntlFacts } from '../../../collectors/locale/intl-facts-build.js';
import { intlFactsKey, loadIntlFacts } from '../../../collectors/locale/intl-facts.js';
import { processLocale, processOffsetMinutes, processZone } from '../../../collectors/locale/intl-free.js';

const run = promisify(execFile);
const facts = buildIntlFacts();
const intlZone = (name: string) => new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
const scratch = mkdtempSync(join(tmpdir(), 'farmwatch-intl-facts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the recorded Intl answers (intl-facts)', () => {
  it("hold this Node's own canonical names, its aliases and the locales that resolve to themselves", () => {
    expect(facts.key).toBe(intlFactsKey());
    for (const zone of Intl.supportedValuesOf('timeZone')) expect(facts.zones[zone]).toBe(intlZone(zone));
    expect(facts.zones['Etc/UTC']).toBe(intlZone('Etc/UTC'));
    expect(facts.zones['US/Eastern']).toBe(intlZone('US/Eastern'));
    expect(facts.locales).toContain('en-US');
    for (const tag of facts.locales) expect(new Intl.DateTimeFormat(tag).resolvedOptions().locale).toBe(tag);
  });

  it("are used only by the Node they were recorded with, and only when they are of their shape", () => {
    const file = join(scratch, 'intl-facts.json');
    writeFileSync(file, JSON.stringify(facts));
    expect(loadIntlFacts(file)).toEqual(facts);
    expect(loadIntlFacts(file, 'another V8|78.2|2025c|17.0|false')).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...facts, zones: null }));
    expect(loadIntlFacts(file)).toBeUndefined();
    writeFileSync(file, '{ not json');
    expect(loadIntlFacts(file)).toBeUndefined();
    expect(loadIntlFacts(join(scratch, 'absent.json'))).toBeUndefined();
  });
});

describe('the zone without ICU (processZone), against Intl', () => {
  // Real paths of /etc/localtime as Linux distributions and macOS leave them, and the zone Intl resolves each to.
  it.each([
    ['/usr/share/zoneinfo/Etc/UTC', 'Etc/UTC'],
    ['/usr/share/zoneinfo/UTC', 'UTC'],
    ['/usr/share/zoneinfo/Europe/Berlin', 'Europe/Berlin'],
    ['/usr/share/zoneinfo/Asia/Kolkata', 'Asia/Kolkata'],
    ['/usr/share/zoneinfo/Asia/Pyongyang', 'Asia/Pyongyang'],
    ['/usr/share/zoneinfo/America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['/usr/share/zoneinfo/posix/Europe/Kiev', 'Europe/Kiev'],
    ['/usr/share/zoneinfo/right/America/New_York', 'America/New_York'],
    ['/usr/share/zoneinfo/US/Pacific', 'US/Pacific'],
    ['/var/db/timezone/zoneinfo/Asia/Tokyo', 'Asia/Tokyo'],
    ['/usr/lib/zoneinfo/Europe/Moscow', 'Europe/Moscow'],
  ])('link %s: as Intl names %s', (real, zone) => {
    expect(processZone(facts, undefined, real)).toBe(intlZone(zone));
  });

  it('TZ wins over the link, with or without its colon, as Intl names it', () => {
    expect(processZone(facts, 'Asia/Pyongyang', '/usr/share/zoneinfo/Etc/UTC')).toBe('Asia/Pyongyang');
    expect(processZone(facts, ':Asia/Calcutta', undefined)).toBe(intlZone('Asia/Calcutta'));
    expect(processZone(facts, 'UTC', undefined)).toBe('UTC');
  });

  it.each([
    ['a copied file, not a link', undefined, '/etc/localtime'],
    ['no /etc/localtime', undefined, undefined],
    ['a POSIX rule in TZ', 'EST5EDT', undefined],
    ['an offset zone (ICU reads no digit)', 'Etc/GMT+5', undefined],
    ['a POSIX rule with a comma', 'CET-1CEST,M3.5.0,M10.5.0/3', undefined],
    ['an abbreviation ICU may drop', 'EST', undefined],
    ['TZ set but empty', '', '/usr/share/zoneinfo/Etc/UTC'],
    ['a name Intl does not know', 'Mars/Olympus_Mons', undefined],
    ['a TZ path', '/usr/share/zoneinfo/Europe/Berlin', undefined],
    ['a link of an offset zone', undefined, '/usr/share/zoneinfo/Etc/GMT-3'],
  ])('%s: left to Intl', (_what, tz, real) => {
    expect(processZone(facts, tz, real)).toBeUndefined();
  });
});

describe('the locale without ICU (processLocale)', () => {
  it.each([
    [{}, 'en-US'],
    [{ LANG: 'C.UTF-8' }, 'en-US'],
    [{ LANG: 'POSIX' }, 'en-US'],
    [{ LANG: 'de_DE.UTF-8' }, 'de-DE'],
    [{ LANG: 'de_DE.UTF-8', LC_ALL: 'fr_FR.UTF-8' }, 'fr-FR'],
    [{ LANG: 'de_DE.UTF-8', LC_MESSAGES: 'ko_KR.UTF-8' }, 'ko-KR'],
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'C' }, 'en-US'],
  ])('%j: %s', (env, tag) => {
    expect(processLocale(facts, env)).toBe(tag);
  });

  it.each([{ LANG: 'sr_RS@latin' }, { LANG: 'de_DE@euro' }, { LC_ALL: '', LANG: 'de_DE.UTF-8' }, { LANG: 'nb_NO.UTF-8' }, { LANG: 'iw_IL' }, { LANG: 'klingon' }])(
    '%j: left to Intl (a modifier, an empty variable, a locale Intl renames)',
    (env) => {
      expect(processLocale(facts, env)).toBeUndefined();
    },
  );
});

// The proof: a Node started with each environment, asked through Intl, against the readings without ICU of this test.
describe.runIf(process.platform === 'linux')('in a real Node process under each environment', () => {
  const localtime = (() => {
    try {
      return realpathSync('/etc/localtime');
    } catch {
      return undefined;
    }
  })();
  const probe = `
    const o = Intl.DateTimeFormat().resolvedOptions();
    const at = new Date(Date.UTC(2026, 6, 1, 12));
    const p = new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
    const n = (t) => Number(p.find((x) => x.type === t).value);
    process.stdout.write(JSON.stringify({ timeZone: o.timeZone, locale: o.locale, offset: (Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute')) - at.getTime()) / 60000 }));`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TZ|LANG|LANGUAGE|LC_.*)$/.test(k)));

  it.each([
    {},
    { LANG: 'C.UTF-8' },
    { TZ: 'Asia/Pyongyang', LANG: 'ko_KR.UTF-8' },
    { TZ: ':Asia/Calcutta', LANG: 'hi_IN' },
    { TZ: 'America/New_York', LC_ALL: 'en_US.UTF-8' },
    { TZ: 'Europe/Kiev', LANG: 'uk_UA.UTF-8' },
    { TZ: 'US/Pacific', LANG: 'es_MX.UTF-8', LC_MESSAGES: 'fr_CA.UTF-8' },
    { TZ: 'UTC', LANG: 'zh_CN.UTF-8' },
    { TZ: 'Etc/UTC', LANG: 'pt_BR.UTF-8' },
    { TZ: 'Australia/Lord_Howe', LANG: 'en_AU.UTF-8' },
    { TZ: 'Asia/Kathmandu', LANG: 'ne_NP' },
  ])('%j: the same zone, offset and locale as Intl', async (env) => {
    const { stdout } = await run(process.execPath, ['-e', probe], { env: { ...base, ...env }, timeout: 20_000 });
    const intl = JSON.parse(stdout) as { timeZone: string; locale: string; offset: number };
    const zone = processZone(facts, (env as { TZ?: string }).TZ, localtime);
    if ((env as { TZ?: string }).TZ !== undefined || localtime?.includes('/zoneinfo/')) expect(zone).toBe(intl.timeZone);
    expect(processLocale(facts, env)).toBe(intl.locale);
    // The offset: Date's local time in that process, as the collector reads it.
    const { stdout: offset } = await run(process.execPath, ['-e', `process.stdout.write(String((${processOffsetMinutes.toString()})(new Date(Date.UTC(2026, 6, 1, 12)))))`], {
      env: { ...base, ...env },
      timeout: 20_000,
    });
    expect(Number(offset)).toBe(intl.offset);
  });

  it('the collector gives the same locale with the recorded answers as through Intl', async (ctx) => {
    const dist = new URL('../../../dist/collectors/', import.meta.url).pathname;
    if (!existsSync(`${dist}locale/intl-facts.json`)) ctx.skip('needs `npm run build` (runs the compiled collector with its recorded answers)');
    // Intl.DateTimeFormat throws while the recorded answers are in use: they must not need it.
    const script = `
      import { pino } from 'pino';
      import { createContext } from '${dist}context.js';
      import { collect } from '${dist}locale/linux.js';
      const c = createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false } });
      const real = Intl.DateTimeFormat;
      Intl.DateTimeFormat = function () { throw new Error('Intl.DateTimeFormat was called'); };
      const withFacts = await collect(c);
      Intl.DateTimeFormat = real;
      delete c.realPath; // the context of a fake machine: Intl
      const withIntl = await collect(c);
      console.log(JSON.stringify({ withFacts, withIntl }));`;
    for (const env of [{}, { TZ: 'Asia/Pyongyang', LANG: 'ko_KR.UTF-8' }, { TZ: 'Europe/Berlin', LC_ALL: 'de_DE.UTF-8' }]) {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...base, ...env }, cwd: new URL('../../..', import.meta.url).pathname, timeout: 20_000,
      });
      const r = JSON.parse(stdout) as { withFacts: unknown; withIntl: unknown };
      expect(r.withFacts).toEqual(r.withIntl);
    }
  });
});
