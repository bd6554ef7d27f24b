import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, consoleUserArgs } from '../../../collectors/locale/darwin.js';
import { localeSchema } from '../../../schema/snapshot/locale.js';
import { fakeContext, fixturesDir } from '../../helpers/fake-context.js';

const stat = `stat ${consoleUserArgs.join(' ')}`;
const prefs = '/Users/alice/Library/Preferences';
const plist = (n: string) => readFileSync(join(fixturesDir, 'darwin', n));

describe('locale darwin source', () => {
  it("reads the console user's input sources and languages (binary plists), one fork, with owner", async () => {
    const ctx = fakeContext({
      commands: { [stat]: 'alice\n' },
      links: { '/etc/localtime': '/var/db/timezone/zoneinfo/Asia/Seoul' },
      files: { [`${prefs}/com.apple.HIToolbox.plist`]: plist('com.apple.HIToolbox.plist'), [`${prefs}/.GlobalPreferences.plist`]: plist('GlobalPreferences.plist') },
    });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(localeSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(1);
    expect(r.data).toMatchObject({
      owner: 'alice', languages: ['en-US', 'ko-KR'], systemLocale: 'en_US@rg=krzzzz',
      keyboardLayouts: ['U.S.', 'Russian - Phonetic'], inputMethods: ['com.apple.inputmethod.Korean.2SetKorean'],
    });
    if (Intl.DateTimeFormat().resolvedOptions().timeZone !== 'Asia/Seoul') expect(r.data.systemTimezone).toBe('Asia/Seoul');
  });

  it('at the login window (console owned by root): no owner, a note, Intl language', async () => {
    const r = await collect(fakeContext({ commands: { [stat]: 'root\n' } }));
    expect(r.status === 'ok' && r.data.owner).toBeUndefined();
    expect(r.status === 'ok' && r.notes?.join('\n')).toMatch(/login window/);
  });

  it('a truncated HIToolbox plist is a note, not a throw', async () => {
    const r = await collect(fakeContext({ commands: { [stat]: 'alice' }, files: { [`${prefs}/com.apple.HIToolbox.plist`]: plist('com.apple.HIToolbox.plist').subarray(0, 60) } }));
    expect(r.status).toBe('ok');
    expect(r.status === 'ok' && r.notes?.join('\n')).toMatch(/HIToolbox\.plist: .*(trailer|truncated|range)/);
  });
});
