import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDpkgStatus } from '../../../collectors/software/parse-dpkg.js';
import { parseRpmQa } from '../../../collectors/software/parse-rpm.js';
import { snapFileName, snapYamlVersion } from '../../../collectors/software/parse-snap.js';
import { serviceUnits } from '../../../collectors/software/parse-units.js';
import { fixture, fixturesDir } from '../../helpers/fake-context.js';

describe('parseDpkgStatus', () => {
  it('reads the status file recorded from this Debian 12 machine (trimmed)', () => {
    const { items, problems } = parseDpkgStatus(fixture('linux', 'dpkg-status-this-machine.txt'));
    expect(problems).toEqual([]);
    expect(items).toHaveLength(14);
    expect(items[0]).toEqual({ name: 'adduser', version: '3.134', source: 'dpkg' });
    expect(items.find((i) => i.name === 'bash')).toEqual({ name: 'bash', version: '5.2.15-2+b8', source: 'dpkg' });
    // Description continuation lines and Conffiles never become packages.
    expect(items.every((i) => /^[a-z0-9][a-z0-9+.-]+$/.test(i.name))).toBe(true);
  });

  it('keeps installed remote tools, drops removed ones, counts a truncated stanza, survives non-UTF-8 bytes', () => {
    const bytes = readFileSync(join(fixturesDir, 'linux', 'dpkg-status-remote-tools.txt'));
    const { items, problems } = parseDpkgStatus(bytes.toString('utf8'));
    expect(items.map((i) => `${i.name} ${i.version ?? '-'}`)).toEqual([
      'anydesk 6.3.2', 'teamviewer 15.57.5', 'rustdesk 1.3.2', 'libc6 2.36-9+deb12u10', 'astrill 3.9.0.2110', 'half-written -',
    ]);
    expect(problems).toEqual(['dpkg package half-written has no Version']);
  });

  it('names stanzas without Package or Status, and handles CRLF', () => {
    const text = 'Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n\r\nVersion: 2\r\n\r\nPackage: b\r\n';
    expect(parseDpkgStatus(text)).toEqual({
      items: [{ name: 'a', version: '1', source: 'dpkg' }],
      problems: ['dpkg stanza skipped: no Package ("Version: 2")', 'dpkg stanza skipped: no Status ("Package: b")'],
    });
    expect(parseDpkgStatus('')).toEqual({ items: [], problems: [] });
  });
});

describe('parseRpmQa', () => {
  it('reads name TAB version-release lines, leaves signing keys out, counts odd lines', () => {
    const text = 'bash\t4.2.46-34.el7\nteamviewer\t15.57.5-0\ngpg-pubkey\tf4a80eb5-53a7ff4b\nbroken line\n\n';
    expect(parseRpmQa(text)).toEqual({
      items: [
        { name: 'bash', version: '4.2.46-34.el7', source: 'rpm' },
        { name: 'teamviewer', version: '15.57.5-0', source: 'rpm' },
      ],
      problems: ['rpm line skipped: "broken line"'],
    });
  });
});

describe('snaps', () => {
  it('reads the version of snap.yaml and the revision of a snap file name', () => {
    expect(snapYamlVersion('name: anydesk\nversion: "6.3.2"\nsummary: x\n')).toBe('6.3.2');
    expect(snapYamlVersion('name: x\napps:\n  version: nested\n')).toBeUndefined();
    expect(snapFileName('rustdesk_42.snap')).toEqual({ name: 'rustdesk', revision: '42' });
    expect(snapFileName('core22_x1.snap')).toEqual({ name: 'core22', revision: 'x1' });
    expect(snapFileName('partial.snap.tmp')).toBeUndefined();
  });
});

describe('serviceUnits', () => {
  it('lists services once, /etc first, enabled when wanted (templates through their instances)', () => {
    const items = serviceUnits(
      [
        { dir: '/etc/systemd/system', entries: ['anydesk.service', 'multi-user.target.wants', 'dbus-org.freedesktop.timesync1.service'] },
        { dir: '/usr/lib/systemd/system', entries: ['anydesk.service', 'getty@.service', 'ssh.service', 'fstrim.timer'] },
      ],
      new Set(['anydesk.service', 'getty@tty1.service', 'fstrim.timer']),
    );
    expect(items).toEqual([
      { name: 'anydesk.service', source: 'systemd', path: '/etc/systemd/system/anydesk.service', enabled: true },
      { name: 'dbus-org.freedesktop.timesync1.service', source: 'systemd', path: '/etc/systemd/system/dbus-org.freedesktop.timesync1.service', enabled: false },
      { name: 'getty@.service', source: 'systemd', path: '/usr/lib/systemd/system/getty@.service', enabled: true },
      { name: 'ssh.service', source: 'systemd', path: '/usr/lib/systemd/system/ssh.service', enabled: false },
    ]);
  });
});
