import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseBootTime, parseCmdline, parsePasswd, parseStat, parseStatusUid, processName, exeName,
} from '../../../collectors/processes/parse-proc.js';
import { fixture, fixturesDir } from '../../helpers/fake-context.js';

describe('parseStat on recorded /proc/PID/stat', () => {
  it('keeps a name holding spaces and parentheses whole', () => {
    const s = parseStat(fixture('linux', 'proc-stat-odd-name.txt'));
    expect(s).toEqual({ pid: 9399, comm: 'my (odd) proc', ppid: 1, startTicks: 78588, kernelThread: false });
  });

  it('reads pid 1 and a kernel thread (ppid 0 / 2)', () => {
    expect(parseStat(fixture('linux', 'proc-stat-pid1.txt'))).toMatchObject({ pid: 1, comm: 'process_api', ppid: 0, kernelThread: false });
    expect(parseStat(fixture('linux', 'proc-stat-kthreadd.txt'))).toMatchObject({ pid: 2, comm: 'kthreadd', ppid: 0, kernelThread: true });
  });

  it('refuses garbage and a line cut before starttime', () => {
    expect(parseStat('')).toBeUndefined();
    expect(parseStat('12 no parens S 1')).toBeUndefined();
    expect(parseStat('12 (cut) S 1 2 3')).toBeUndefined();
  });
});

describe('other /proc files', () => {
  it('finds btime in /proc/stat', () => {
    expect(parseBootTime(fixture('linux', 'proc-stat.txt'))).toBe(1795627526);
    expect(parseBootTime('cpu 1 2 3\n')).toBeUndefined();
  });

  it('takes the effective uid from /proc/PID/status', () => {
    expect(parseStatusUid(fixture('linux', 'proc-status-pid1.txt'))).toBe(0);
    expect(parseStatusUid('Name:\tx\nUid:\t1000\t0\t0\t0\n')).toBe(0);
    expect(parseStatusUid('Name:\tx\n')).toBeUndefined();
  });

  it('splits a NUL-separated cmdline, argv[0] with spaces intact', () => {
    const raw = readFileSync(join(fixturesDir, 'linux', 'proc-cmdline-odd-name.bin'), 'utf8');
    expect(parseCmdline(raw)).toEqual(['./my (odd) proc', '300']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline('a\0\0b\0')).toEqual(['a', '', 'b']);
  });

  it('maps uids to names, first entry wins, comments and junk skipped', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# c\njunk\nalice:x:1000:1000::/home/alice:/bin/sh\nroot2:x:0:0::/:/bin/sh\n');
    expect([...users]).toEqual([[0, 'root'], [1000, 'alice']]);
  });
});

describe('processName', () => {
  it('prefers the exe basename and drops " (deleted)"', () => {
    expect(processName('/usr/bin/anydesk (deleted)', ['x'], 'anydesk')).toBe('anydesk');
    expect(exeName('/opt/a b/TeamViewer_Service')).toBe('TeamViewer_Service');
  });

  it('restores a name comm cut at 15 characters from argv[0]', () => {
    expect(processName(undefined, ['/opt/teamviewer/tv_bin/TeamViewer_Service', '-f'], 'TeamViewer_Serv')).toBe('TeamViewer_Service');
  });

  it('keeps comm when argv[0] was rewritten by the program', () => {
    expect(processName(undefined, ['sshd: alice@pts/0'], 'sshd')).toBe('sshd');
    expect(processName(undefined, ['postgres: checkpointer'], 'postgres')).toBe('postgres');
    expect(processName(undefined, ['-bash'], 'bash')).toBe('bash');
  });

  it('falls back to comm for kernel threads (no argv, no exe)', () => {
    expect(processName(undefined, [], 'kworker/0:1')).toBe('kworker/0:1');
  });
});
