import { describe, expect, it } from 'vitest';
import { ianaFromWindows, layoutName, parseWinLocale } from '../../../collectors/locale/parse-win-locale.js';
import { windowsZones } from '../../../collectors/locale/windows-zones.js';
import { collect } from '../../../collectors/locale/win32.js';
import { powershell } from '../../../collectors/win32/inventory.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const inventory = fixture('win32', 'inventory-laptop-ipkvm.json');

describe('Windows zones (CLDR windowsZones)', () => {
  it('maps ids, and every IANA target is a zone this Node knows', () => {
    expect(ianaFromWindows('Korea Standard Time')).toBe('Asia/Seoul');
    expect(ianaFromWindows('Pacific Standard Time')).toBe('America/Los_Angeles');
    expect(ianaFromWindows('Nowhere Standard Time')).toBeUndefined();
    for (const zone of Object.values(windowsZones)) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
  });
});

describe('parseWinLocale', () => {
  it('the console user\'s layouts (Preload through Substitutes, User Profile) and IME, with owner', () => {
    const f = parseWinLocale(JSON.parse(inventory).locale.data, 'CONTOSO\\jdoe');
    expect(f).toMatchObject({
      windowsZone: 'Korea Standard Time', systemLocale: 'en-US', owner: 'CONTOSO\\jdoe',
      languages: ['en-US', 'ko'], keyboardLayouts: ['us', 'kr'], inputMethods: ['ko:Microsoft IME (Korean)'],
    });
    expect(layoutName('0000041F')).toBe('tr');
    expect(layoutName('00050409')).toBe('klid:00050409');
  });
  it('no console user: lists unknown, said in a note, no owner', () => {
    const f = parseWinLocale({ timezone: 'UTC', sid: null, hiveLoaded: false, languages: [], preload: [] }, undefined);
    expect(f.owner).toBeUndefined();
    expect(f.notes.join(' ')).toMatch(/no console user/);
  });
});

describe('locale win32 source', () => {
  it('names the OS zone when it differs from the process zone', async () => {
    const r = await collect(fakeContext({ commands: { [powershell]: inventory } }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    const intl = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (intl === 'Asia/Seoul') expect(r.data.systemTimezone).toBeUndefined();
    else expect(r.data.systemTimezone).toBe('Asia/Seoul');
    expect(r.data.owner).toBe('CONTOSO\\jdoe');
  });
});
