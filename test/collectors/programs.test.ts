import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { collectors } from '../../collectors/index.js';
import { createContext } from '../../collectors/context.js';
import { platformSource } from '../../collectors/platform.js';
import { darwinTools, firstExisting, isAbsoluteProgram, systemRoot, unixTool, windowsTool } from '../../collectors/programs.js';
import { collectSnapshot } from '../../collectors/run.js';
import type { Collector } from '../../collectors/types.js';
import { airportPath } from '../../collectors/network/darwin.js';
import { powershell, powershellPath } from '../../collectors/win32/inventory.js';
import { inventoryScript } from '../../collectors/win32/inventory-script.js';
import { repoRoot } from '../bundle/run-isolated.js';
import { fakeMac } from './darwin/fake-mac.js';
import { fakeContext, fixture } from '../helpers/fake-context.js';

// The laptop's user controls PATH: a program found through it is theirs. Every helper program runs by absolute path.

describe('the program path resolver', () => {
  it('firstExisting: the first candidate that exists, else the first (the exec then names it as missing)', () => {
    const has = (...paths: string[]) => (p: string) => paths.includes(p);
    expect(firstExisting(['/usr/sbin/ss', '/usr/bin/ss'], has('/usr/bin/ss'))).toBe('/usr/bin/ss');
    expect(firstExisting(['/usr/sbin/ss', '/usr/bin/ss'], has('/usr/sbin/ss', '/usr/bin/ss'))).toBe('/usr/sbin/ss');
    expect(firstExisting(['/usr/sbin/ss', '/usr/bin/ss'], has())).toBe('/usr/sbin/ss');
    expect(() => firstExisting([])).toThrow(/no candidate/);
  });

  it('unixTool: only the fixed system folders, never a PATH entry, never a path in the name', () => {
    expect(unixTool('ss', (p) => p === '/bin/ss')).toBe('/bin/ss');
    expect(unixTool('who', () => false)).toBe('/usr/sbin/who');
    const asked: string[] = [];
    unixTool('lsusb', (p) => (asked.push(p), false));
    expect(asked).toEqual(['/usr/sbin/lsusb', '/usr/bin/lsusb', '/sbin/lsusb', '/bin/lsusb']);
    expect(() => unixTool('../tmp/ss')).toThrow(/not a program name/);
    expect(() => unixTool('')).toThrow(/not a program name/);
  });

  it('systemRoot: %SystemRoot% when it is a plain absolute Windows path, else C:\\Windows', () => {
    expect(systemRoot({ SystemRoot: 'D:\\WINNT' })).toBe('D:\\WINNT');
    expect(systemRoot({ SYSTEMROOT: 'C:\\Windows\\' })).toBe('C:\\Windows');
    expect(systemRoot({})).toBe('C:\\Windows');
    for (const bad of ['', 'Windows', '\\\\evil\\share', 'C:\\Users\\alice\\..\\..\\tmp', 'C:\\"x"', '%TEMP%', 'C:\\Windows\r\nx', '/tmp']) {
      expect(systemRoot({ SystemRoot: bad }), bad).toBe('C:\\Windows');
    }
    expect(windowsTool('reg.exe', { SystemRoot: 'C:\\Windows' })).toBe('C:\\Windows\\System32\\reg.exe');
    expect(powershellPath({ SystemRoot: 'E:\\Win' })).toBe('E:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(powershell).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('isAbsoluteProgram: C:\\… on Windows, /… elsewhere; a bare name or a drive-relative path is not', () => {
    expect(isAbsoluteProgram('/usr/bin/who', 'linux')).toBe(true);
    expect(isAbsoluteProgram('who', 'linux')).toBe(false);
    expect(isAbsoluteProgram('./who', 'darwin')).toBe(false);
    expect(isAbsoluteProgram('C:\\Windows\\System32\\reg.exe', 'win32')).toBe(true);
    for (const bad of ['reg.exe', 'reg', '\\Windows\\System32\\reg.exe', '/Windows/reg.exe', 'C:reg.exe']) expect(isAbsoluteProgram(bad, 'win32'), bad).toBe(false);
  });
});

describe('the real context refuses a bare program name', () => {
  const make = (stats = { forks: 0 }) => ({
    stats,
    ctx: createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false }, stats }),
  });

  it('a bare name is refused before any process starts; an absolute path runs', async () => {
    const { ctx, stats } = make();
    await expect(ctx.exec('echo', ['hi'])).rejects.toMatchObject({ code: 'ERR_RELATIVE_PROGRAM', message: expect.stringContaining('absolute path only') });
    expect(stats.forks).toBe(0);
    const echo = firstExisting(['/bin/echo', '/usr/bin/echo']);
    expect(await ctx.exec(echo, ['hi'])).toBe('hi\n');
    expect(stats.forks).toBe(1);
  });
});

type Source = () => Promise<{ collect: Collector<unknown>['collect'] }>;
const sourceFiles: Record<'darwin' | 'win32', Record<string, Source>> = {
  darwin: {
    host: () => import('../../collectors/host/darwin.js'),
    processes: () => import('../../collectors/processes/darwin.js'),
    software: () => import('../../collectors/software/darwin.js'),
    network: () => import('../../collectors/network/darwin.js'),
    usb: () => import('../../collectors/usb/darwin.js'),
    inputs: () => import('../../collectors/inputs/darwin.js'),
    displays: () => import('../../collectors/displays/darwin.js'),
    locale: () => import('../../collectors/locale/darwin.js'),
    sessions: () => import('../../collectors/sessions/darwin.js'),
    activity: () => import('../../collectors/activity/darwin.js'),
  },
  win32: {
    host: () => import('../../collectors/host/win32.js'),
    processes: () => import('../../collectors/processes/win32.js'),
    software: () => import('../../collectors/software/win32.js'),
    network: () => import('../../collectors/network/win32.js'),
    usb: () => import('../../collectors/usb/win32.js'),
    inputs: () => import('../../collectors/inputs/win32.js'),
    displays: () => import('../../collectors/displays/win32.js'),
    locale: () => import('../../collectors/locale/win32.js'),
    sessions: () => import('../../collectors/sessions/win32.js'),
    activity: () => import('../../collectors/activity/win32.js'),
  },
};

/** Every exec a whole cycle makes, on the fixtures of each OS. */
async function cycleCalls(platform: 'darwin' | 'win32'): Promise<string[][]> {
  const onOs = collectors.map((c) => ({ ...c, collect: platformSource<unknown>({ [platform]: sourceFiles[platform][c.name]! }, platform) })) as Collector<unknown>[];
  const contexts: ReturnType<typeof fakeContext>[] = [];
  await collectSnapshot(onOs, {
    agentVersion: 'test',
    log: pino({ level: 'silent' }),
    options: { probeAnchors: [], redactCommandLines: false },
    makeContext: (_signal, _log, cycle) => {
      const os = platform === 'darwin' ? fakeMac() : { commands: { [powershell]: fixture('win32', 'inventory-laptop-ipkvm.json') } };
      const ctx = fakeContext({ ...os, ...(cycle ? { cycle } : {}) });
      contexts.push(ctx);
      return ctx;
    },
  });
  return contexts.flatMap((c) => c.execCalls);
}

describe('every exec of a whole cycle names an absolute path', () => {
  it.each(['darwin', 'win32'] as const)('%s', async (platform) => {
    const calls = await cycleCalls(platform);
    expect(calls.length).toBeGreaterThan(0);
    for (const [file] of calls) expect(isAbsoluteProgram(file!, platform), file).toBe(true);
    if (platform === 'darwin') for (const [file] of calls) expect([...Object.values(darwinTools), airportPath]).toContain(file);
  });

  it('the PowerShell inventory runs netstat, netsh and quser under %SystemRoot%\\System32, not through PATH', () => {
    expect(inventoryScript).toMatch(/\$path = Join-Path \(Join-Path \$systemRoot 'System32'\) \$exe/);
    expect(inventoryScript).toMatch(/& \$path @argv/);
    expect(inventoryScript).not.toMatch(/Get-Command \$exe|& \$exe/);
  });
});

/** Source files of a folder (recursively), relative to the repository. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(path));
    else if (e.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

describe('no call site in collectors/ or agent/ passes a program by name', () => {
  const files = [...sources('collectors'), ...sources('agent')].map((f) => ({ file: relative(repoRoot, join(repoRoot, f)), text: readFileSync(join(repoRoot, f), 'utf8') }));

  it('only collectors/context.ts (through ctx.exec) and agent/identity.ts start processes', () => {
    const spawning = files.filter((f) => /from 'node:child_process'|require\('(node:)?child_process'\)/.test(f.text)).map((f) => f.file);
    expect(spawning.sort()).toEqual(['agent/identity.ts', 'collectors/context.ts']);
  });

  it('no exec, execFile, spawn or run(ctx, …) call has a literal first argument that is not an absolute path', () => {
    const call = /\b(?:exec|execFile|execFileSync|spawn|spawnSync|run)\(\s*(?:ctx,\s*)?(['"`])([^'"`]*)\1/g;
    const bare: string[] = [];
    let literals = 0;
    for (const { file, text } of files) {
      for (const m of text.matchAll(call)) {
        literals += 1;
        if (!m[2]!.startsWith('/')) bare.push(`${file}: ${m[0]}`);
      }
    }
    expect(bare).toEqual([]);
    expect(literals).toBeGreaterThan(0); // /usr/sbin/ioreg in agent/identity.ts: the pattern does see call sites
  });
});
