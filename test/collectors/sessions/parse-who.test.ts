import { describe, expect, it } from 'vitest';
import { classifySession } from '../../../collectors/sessions/classify.js';
import { localWhoTime, parseWho } from '../../../collectors/sessions/parse-who.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseWho on real captures', () => {
  it('reads a serial console and an ssh login (jc centos-7.7)', () => {
    const r = parseWho(fixture('linux', 'who-jc-centos77.txt'));
    expect(r.skipped).toEqual([]);
    expect(r.entries).toEqual([
      { user: 'kbrazil', line: 'ttyS0', time: '2020-02-29 12:14' },
      { user: 'kbrazil', line: 'pts/0', time: '2020-02-29 18:43', comment: '192.168.71.1' },
    ]);
  });

  it('skips the -H header (jc ubuntu-18.04)', () => {
    const r = parseWho(fixture('linux', 'who-H-jc-ubuntu1804.txt'));
    expect(r.entries.map((e) => e.line)).toEqual(['ttyS0', 'pts/0']);
    expect(r.skipped).toEqual([]);
  });

  it('reads a GDM desktop: login screen on seat0, :0, a local terminal (jc login-screen)', () => {
    const r = parseWho(fixture('linux', 'who-jc-login-screen.txt'));
    expect(r.entries.map((e) => [e.line, e.comment])).toEqual([['seat0', 'login screen'], [':0', ':0'], ['pts/8', undefined]]);
  });

  it('counts lines of another shape (who -a) as skipped instead of misreading them', () => {
    const r = parseWho(fixture('linux', 'who-a-jc-centos77.txt'));
    expect(r.entries).toEqual([]);
    expect(r.skipped).toHaveLength(6);
  });

  it('turns a local who time into an instant in the process zone', () => {
    expect(localWhoTime('2020-02-29 18:43')?.getTime()).toBe(new Date(2020, 1, 29, 18, 43).getTime());
    expect(localWhoTime('Feb 29 18:43')).toBeUndefined();
  });
});

describe('classifySession', () => {
  it.each([
    ['pts/0', '192.168.71.1', { type: 'ssh', remoteHost: '192.168.71.1' }],
    ['pts/3', 'farm.example.net', { type: 'ssh', remoteHost: 'farm.example.net' }],
    ['seat0', 'login screen', { type: 'graphical' }],
    [':0', ':0', { type: 'graphical' }],
    ['pts/8', ':0', { type: 'graphical' }],
    ['tty2', '', { type: 'tty' }],
    ['ttyS0', '', { type: 'tty' }],
    ['console', '', { type: 'console' }],
    ['pts/8', '', { type: 'other' }],
    ['pts/9', 'tmux(4242).%0', { type: 'other' }],
    [':10', 'xrdp', { type: 'rdp', remoteHost: 'xrdp' }],
    ['pts/2', '10.0.0.9:1 (vnc)', { type: 'vnc', remoteHost: '10.0.0.9:1 (vnc)' }],
  ] as const)('%s from "%s"', (line, host, expected) => {
    expect(classifySession(line, host)).toEqual(expected);
  });
});
