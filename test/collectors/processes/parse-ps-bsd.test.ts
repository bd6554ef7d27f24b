import { describe, expect, it } from 'vitest';
import { parseBsdPs } from '../../../collectors/processes/parse-ps-bsd.js';
import { processesSchema } from '../../../schema/snapshot/processes.js';
import { fixture } from '../../helpers/fake-context.js';

const rows = (text: string) => text.split('\n').slice(1).filter((l) => l.trim() !== '').length;

describe('parseBsdPs reads its columns from the header', () => {
  it('real macOS 10.14 `ps axu`: every row, users, app paths with spaces, no ppid or absolute start', () => {
    const text = fixture('darwin', 'ps-axu--jc-osx10146.txt');
    const r = parseBsdPs(text);
    expect(r.skipped).toEqual([]);
    expect(r.processes).toHaveLength(rows(text));
    expect(processesSchema.safeParse(r.processes).success).toBe(true);
    expect(r.processes.find((p) => p.pid === 112)).toEqual({ pid: 112, name: 'hidd', cmdline: ['/usr/libexec/hidd'], user: '_hidd' });
    const sublime = r.processes.find((p) => p.pid === 560);
    expect(sublime).toMatchObject({ name: 'Sublime', user: 'macuser', cmdline: ['/Applications/Sublime Text.app/Contents/MacOS/Sublime', 'Text', '-psn_0_110619'] });
    expect(r.processes.find((p) => p.pid === 633)).toMatchObject({
      name: 'plugin_host', cmdline: ['/Applications/Sublime Text.app/Contents/MacOS/plugin_host', '560', '--auto-shell-env'],
    });
    // argv[0] is chosen by the process, so it never becomes the executable path.
    expect(r.processes.every((p) => p.exe === undefined && p.ppid === undefined && p.startTime === undefined)).toBe(true);
    expect(r.processes.find((p) => p.pid === 1046)?.name).toBe('com.docker.hyperkit');
  });

  it('real macOS 10.14 `ps -ef`: every row, uid and ppid, no user name', () => {
    const text = fixture('darwin', 'ps-ef--jc-osx10146.txt');
    const r = parseBsdPs(text);
    expect(r.skipped).toEqual([]);
    expect(r.processes).toHaveLength(rows(text));
    expect(r.processes.find((p) => p.pid === 1)).toEqual({ pid: 1, ppid: 0, uid: 0, name: 'launchd', cmdline: ['/sbin/launchd'] });
    // Without COMM a path with spaces outside an app bundle cannot be told from arguments: the agent runs -o comm.
    expect(r.processes.find((p) => p.pid === 56)?.cmdline).toEqual(['/Library/Application', 'Support/BeyondTrust/pbmac/pbmacd']);
    expect(r.processes.find((p) => p.pid === 609)).toMatchObject({ ppid: 606, uid: 501, name: '-bash', cmdline: ['-bash'] });
    expect(r.processes.find((p) => p.pid === 69300)).toMatchObject({ name: 'ps', cmdline: ['ps', '-ef'] });
  });

  it('`ps -A -o user,pid,pcpu,pmem,vsz,tty,etime,command` (our rows after the glpi-agent capture format)', () => {
    const text = [
      'USER       PID  %CPU %MEM      VSZ TTY          ELAPSED COMMAND',
      'root         1   0.1  0.0  2456844 ??       07-21:28:18 /sbin/launchd',
      'alice     4242   0.0  0.2  2508184 ttys000     01:02:03 /Applications/AnyDesk.app/Contents/MacOS/AnyDesk --service',
      '',
    ].join('\n');
    const r = parseBsdPs(text);
    expect(r.skipped).toEqual([]);
    expect(r.processes).toEqual([
      { pid: 1, name: 'launchd', cmdline: ['/sbin/launchd'], user: 'root' },
      { pid: 4242, name: 'AnyDesk', cmdline: ['/Applications/AnyDesk.app/Contents/MacOS/AnyDesk', '--service'], user: 'alice' },
    ]);
  });

  it('`ps -o pid,lstart,command` (our rows after real macOS report excerpts): a space-padded day, COMMAND last', () => {
    const text = [
      '  PID STARTED                      COMMAND',
      '86216 Mon Aug  3 08:11:27 2026     /Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions/3.9/Resources/Python.app/Contents/MacOS/Python bellows.py',
      '10260 Fri Sep 25 11:15:14 2026     node --import tsx/esm bin.js',
      '',
    ].join('\n');
    const r = parseBsdPs(text);
    expect(r.skipped).toEqual([]);
    expect(r.processes[0]).toEqual({
      pid: 86216, name: 'Python', startTime: new Date(2026, 7, 3, 8, 11, 27).toISOString(),
      cmdline: ['/Library/Developer/CommandLineTools/Library/Frameworks/Python3.framework/Versions/3.9/Resources/Python.app/Contents/MacOS/Python', 'bellows.py'],
    });
    expect(r.processes[1]).toMatchObject({ pid: 10260, name: 'node', cmdline: ['node', '--import', 'tsx/esm', 'bin.js'] });
  });

  it('odd input: a header without a command column throws naming it; short and non-numeric rows are skipped', () => {
    expect(() => parseBsdPs('  PID COMMANDE\n 1 launchd\n')).toThrow(/ps header not understood.*COMMAND/);
    expect(() => parseBsdPs('')).toThrow(/ps header not understood/);
    const r = parseBsdPs('  UID   PID  PPID   C STIME   TTY           TIME CMD\n    0     x     0   0 12:09PM ??  1:08.04 /sbin/launchd\n    0\n');
    expect(r.processes).toEqual([]);
    expect(r.skipped).toHaveLength(2);
    // The agent's form asks for lstart: a row without a whole start time is skipped, not read with shifted columns.
    const agent = fixture('darwin', 'ps-axww-o-pid-ppid-uid-user-lstart-comm-args.txt').split('\n');
    const bad = agent[4]!.replace('Mon Nov 23 08:13:40 2026', 'Mon Nov 23 08:13:40 XXXX');
    const mixed = parseBsdPs([agent[0], agent[1], bad].join('\n'));
    expect(mixed.processes.map((p) => p.pid)).toEqual([0]);
    expect(mixed.skipped).toEqual([bad]);
  });
});
