import { describe, expect, it } from 'vitest';
import { parseWinProcesses, splitCommandLine } from '../../../collectors/processes/parse-win-process.js';
import { fixture } from '../../helpers/fake-context.js';

const section = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json')).processes.data;

describe('splitCommandLine (CommandLineToArgvW rules)', () => {
  it('quotes, spaces and backslashes', () => {
    expect(splitCommandLine('"C:\\Program Files\\A\\a.exe" --x "y z"')).toEqual(['C:\\Program Files\\A\\a.exe', '--x', 'y z']);
    expect(splitCommandLine('a.exe "a\\"b" c\\\\d "e\\\\"')).toEqual(['a.exe', 'a"b', 'c\\\\d', 'e\\']);
    expect(splitCommandLine('a.exe ""  ')).toEqual(['a.exe', '']);
  });
});

describe('parseWinProcesses', () => {
  it('reads Win32_Process rows, both date forms, and counts rows without a pid', () => {
    const { processes, skipped } = parseWinProcesses(section, { redactCommandLines: false });
    expect(skipped).toBe(1);
    expect(processes.map((p) => p.pid)).toEqual([0, 4, 1712, 9396, 27696]);
    expect(processes.find((p) => p.pid === 27696)).toEqual({
      pid: 27696, ppid: 6120, name: 'Spotify.exe', exe: 'C:\\Users\\jdoe\\AppData\\Roaming\\Spotify\\Spotify.exe',
      cmdline: ['C:\\Users\\jdoe\\AppData\\Roaming\\Spotify\\Spotify.exe', '--autostart', '--minimized'], startTime: '2026-01-15T09:00:00.000Z',
    });
    expect(processes.find((p) => p.pid === 4)).toEqual({ pid: 4, ppid: 0, name: 'System' });
  });
  it('redaction keeps argv[0] only', () => {
    const { processes } = parseWinProcesses(section, { redactCommandLines: true });
    expect(processes.find((p) => p.pid === 9396)!.cmdline).toEqual(['C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe']);
  });
});
