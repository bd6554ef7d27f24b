import { describe, expect, it } from 'vitest';
import { parsePlist } from '../../../collectors/parse-plist.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from '../../helpers/fake-context.js';

const buf = (name: string) => readFileSync(join(fixturesDir, 'darwin', name));

describe('parsePlist', () => {
  it('reads an XML plist', () => {
    expect(parsePlist(buf('SystemVersion.plist'))).toMatchObject({ ProductName: 'macOS', ProductVersion: '15.1' });
  });
  it('reads a binary plist: nested arrays of dicts, negative integers, booleans', () => {
    const hi = parsePlist(buf('com.apple.HIToolbox.plist')) as Record<string, unknown>;
    const enabled = hi.AppleEnabledInputSources as Record<string, unknown>[];
    expect(enabled).toHaveLength(5);
    expect(enabled[4]).toEqual({ InputSourceKind: 'Keyboard Layout', 'KeyboardLayout ID': -2, 'KeyboardLayout Name': 'Russian - Phonetic' });
    expect(parsePlist(buf('GlobalPreferences.plist'))).toMatchObject({ AppleLanguages: ['en-US', 'ko-KR'], AppleICUForce24HourTime: true });
  });
  it('XML entities, empty elements, data and real', () => {
    const xml = '<plist version="1.0"><dict><key>a&amp;b</key><string>x &lt; y</string><key>e</key><string/><key>t</key><true/>' +
      '<key>d</key><data>AAEC</data><key>r</key><real>1.5</real><key>l</key><array/></dict></plist>';
    expect(parsePlist(Buffer.from(xml))).toEqual({ 'a&b': 'x < y', e: '', t: true, d: Buffer.from([0, 1, 2]), r: 1.5, l: [] });
  });
  it('throws (never hangs) on truncated or foreign input', () => {
    expect(() => parsePlist(buf('com.apple.HIToolbox.plist').subarray(0, 100))).toThrow();
    expect(() => parsePlist(Buffer.from('<plist><dict><key>a</key>'))).toThrow(/truncated/);
    expect(() => parsePlist(Buffer.from('{"json": true}'))).toThrow(/not a plist/);
  });
});
