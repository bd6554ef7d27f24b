import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../../rules/catalog/index.js';
import { normaliseName } from '../../../rules/catalog/normalise.js';
import { packageRoot } from '../../../common/version.js';
import { nameStrengths } from '../../../rules/catalog/strength.js';
import { remoteAccessInstalled, remoteAccessRunning } from '../../../rules/remote-access/tool-rules.js';
import { emptySnapshot, proc, ruleContext } from '../../helpers/snapshot.js';

const ctx = ruleContext();
const root = packageRoot();
const common = JSON.parse(readFileSync(join(root, 'rules', 'catalogs', 'common-programs.json'), 'utf8')) as {
  programs: { name: string; os: string; source: string }[];
};

describe('name strength by collision, not by shape', () => {
  const entry = (id: string, vendor: string, ...names: string[]) => ({ id, vendor, names: names.map((name) => ({ name })) });

  it('a short unique name is strong; a common program, another vendor\'s name or a wildcard is weak', () => {
    const strength = nameStrengths(
      [entry('a', 'A', 'nxd', 'svchost.exe', 'shared.exe', 'a-*'), entry('b', 'B', 'shared'), entry('a2', 'a', 'nxd')],
      new Set(['svchost']),
    );
    expect(strength('nxd')).toEqual({ strength: 'strong', common: false }); // listed twice by one vendor: one tool
    expect(strength('NXD.exe').strength).toBe('strong');
    expect(strength('svchost.exe')).toEqual({ strength: 'weak', common: true });
    expect(strength('shared.exe')).toEqual({ strength: 'weak', common: false });
    expect(strength('a-*').strength).toBe('weak');
    expect(strength('').strength).toBe('weak');
  });

  it('real remote-control servers decide alone whatever their length; names of OS and office programs never do', () => {
    const ra = catalogs().remoteAccess;
    const strengthOf = (name: string, id: string) => ra.lookupName(name).find((h) => h.id === id)?.strength;
    expect(strengthOf('xrdp', 'xrdp')).toBe('strong');
    expect(strengthOf('x11vnc', 'x11vnc')).toBe('strong');
    expect(strengthOf('Xvnc', 'tigervnc')).toBe('strong');
    expect(strengthOf('nxd', 'nomachine')).toBe('strong');
    expect(strengthOf('parsecd', 'parsec')).toBe('weak'); // Apple's Siri suggestions daemon on every Mac
    expect(strengthOf('Teams.exe', 'parsec')).toBe('weak'); // Microsoft Teams, listed under Parsec upstream
    expect(strengthOf('QQ.exe', 'qq-im-remote-assistance')).toBe('weak');
    expect(strengthOf('rutserv.exe', 'remote-utilities')).toBe('weak'); // also another vendor's tool
    expect(strengthOf('AnyDesk.exe', 'anydesk')).toBe('strong');
  });

  it('every catalogued name that a common program shares is weak, in every catalog', () => {
    const c = catalogs();
    let shared = 0;
    for (const p of common.programs) {
      expect(p.source.length, p.name).toBeGreaterThan(3);
      for (const cat of [c.remoteAccess, c.vpn, c.jigglers]) {
        for (const h of cat.lookupName(p.name)) {
          if (normaliseName(h.name) !== normaliseName(p.name)) continue;
          shared++;
          expect(h.strength, `${p.name} in ${h.id}`).toBe('weak');
        }
      }
    }
    expect(shared).toBeGreaterThan(20);
  });

  it('xrdp running alone is remote access', () => {
    const s = emptySnapshot({ processes: [proc({ pid: 900, name: 'xrdp', exe: '/usr/sbin/xrdp' })] });
    expect(remoteAccessRunning.evaluate(s, ctx).map((m) => m.subject)).toEqual(['xrdp']);
  });
});

describe('a weak name is confirmed only by an independent fact', () => {
  const teamsFolder = 'C:\\Users\\alice\\AppData\\Local\\Microsoft\\Teams';

  it('Teams.exe and an installed program whose folder is called Teams: the same word twice, nothing found', () => {
    const s = emptySnapshot({
      platform: 'win32',
      processes: [proc({ pid: 5120, name: 'Teams.exe', exe: `${teamsFolder}\\current\\Teams.exe` })],
      software: { items: [{ name: 'Microsoft Teams', source: 'registry', path: teamsFolder, version: '1.7.00.13456' }] },
    } as Parameters<typeof emptySnapshot>[0]);
    expect(remoteAccessRunning.evaluate(s, ctx)).toEqual([]);
    expect(remoteAccessInstalled.evaluate(s, ctx)).toEqual([]);
  });

  it('Apple\'s parsecd is no Parsec; parsecd from Parsec.app is', () => {
    const apple = emptySnapshot({ platform: 'darwin', processes: [proc({ pid: 410, name: 'parsecd', exe: '/System/Library/PrivateFrameworks/CoreParsec.framework/parsecd' })] });
    expect(remoteAccessRunning.evaluate(apple, ctx)).toEqual([]);
    const parsec = emptySnapshot({ platform: 'darwin', processes: [proc({ pid: 411, name: 'parsecd', exe: '/Applications/Parsec.app/Contents/MacOS/parsecd' })] });
    expect(remoteAccessRunning.evaluate(parsec, ctx).map((m) => m.subject)).toEqual(['parsec']);
  });

  it('a weak name beside a second distinct catalogued name of the tool is found; alone it is not', () => {
    const s = emptySnapshot({
      platform: 'win32',
      processes: [proc({ pid: 700, name: 'rutserv.exe', exe: 'C:\\Tools\\rutserv.exe' }), proc({ pid: 701, name: 'rutview.exe', exe: 'C:\\Tools\\rutview.exe' })],
    });
    const found = remoteAccessRunning.evaluate(s, ctx);
    // LOLRMM lists Remote Utilities twice; Remote Manipulator System lists rutserv only, so it stays unconfirmed
    expect(found.map((m) => m.subject).sort()).toEqual(['remote-utilities', 'remoteutilities']);
    // the same weak name alone, from anywhere, decides nothing
    const alone = emptySnapshot({ platform: 'win32', processes: [proc({ pid: 700, name: 'rutserv.exe', exe: 'C:\\Tools\\rutserv.exe' })] });
    expect(remoteAccessRunning.evaluate(alone, ctx)).toEqual([]);
  });
});

describe('collaboration apps that upstream catalogs list under remote tools', () => {
  it('GoTo Meeting\'s own processes (listed under GoToMyPC) do not confirm each other', () => {
    const dir = 'C:\\Users\\alice\\AppData\\Local\\GoToMeeting\\19950';
    const s = emptySnapshot({
      platform: 'win32',
      processes: ['g2mcomm.exe', 'g2mstart.exe', 'g2mlauncher.exe', 'g2mui.exe'].map((name, i) => proc({ pid: 3000 + i, name, exe: `${dir}\\${name}` })),
    });
    expect(remoteAccessRunning.evaluate(s, ctx)).toEqual([]);
  });
});
