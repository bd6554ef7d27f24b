import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';

/*
 * Helper programs by absolute path. The laptop's user may be the adversary: a PATH they set (or a folder early
 * in it they can write) must not decide what the agent runs. macOS puts its tools in fixed, SIP-protected places;
 * Linux distributions differ between /usr/bin and /usr/sbin, so a fixed list of system folders is tried in
 * order; Windows tools live under %SystemRoot%\System32.
 */

/** The system folders a Linux tool may live in, in order; never a user-writable one. */
export const unixSystemDirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/** The first candidate that exists; none: the first one, so that the exec fails as "command missing" naming it. */
export function firstExisting(candidates: readonly string[], exists: (path: string) => boolean = existsSync): string {
  if (candidates.length === 0) throw new Error('firstExisting: no candidate paths');
  for (const c of candidates) if (exists(c)) return c;
  return candidates[0]!;
}

const unixCache = new Map<string, string>();

/**
 * A Linux tool (`ss`, `who`, `lsusb`, ...) in the first system folder that has it. Where it was found is remembered
 * for the process; a tool not found is looked for again next time (it may be installed later).
 */
export function unixTool(name: string, exists: (path: string) => boolean = existsSync): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) throw new Error(`unixTool: "${name}" is not a program name`);
  const real = exists === existsSync;
  const cached = real ? unixCache.get(name) : undefined;
  if (cached) return cached;
  const path = firstExisting(unixSystemDirs.map((d) => posix.join(d, name)), exists);
  if (real && exists(path)) unixCache.set(name, path);
  return path;
}

/** macOS tools at their fixed places (the same on every macOS release the agent supports). */
export const darwinTools = {
  arp: '/usr/sbin/arp',
  ifconfig: '/sbin/ifconfig',
  ioreg: '/usr/sbin/ioreg',
  ipconfig: '/usr/sbin/ipconfig',
  lsof: '/usr/sbin/lsof',
  netstat: '/usr/sbin/netstat',
  networksetup: '/usr/sbin/networksetup',
  nettop: '/usr/bin/nettop',
  pmset: '/usr/bin/pmset',
  ps: '/bin/ps',
  route: '/sbin/route',
  stat: '/usr/bin/stat',
  systemProfiler: '/usr/sbin/system_profiler',
  who: '/usr/bin/who',
} as const;

/**
 * %SystemRoot% when it is a plain absolute Windows path (drive letter, no quotes or wildcards), else C:\Windows.
 * The agent runs as SYSTEM, whose environment comes from the service manager, but a value is checked all the same.
 */
export function systemRoot(env: Record<string, string | undefined> = process.env): string {
  const value = (env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? '').trim();
  return /^[A-Za-z]:\\[^"<>|?*%\r\n]*$/.test(value) && !value.split('\\').includes('..') ? value.replace(/\\+$/, '') : 'C:\\Windows';
}

/** A Windows tool under %SystemRoot%\System32: windowsTool('reg.exe'), windowsTool('WindowsPowerShell\\v1.0\\powershell.exe'). */
export function windowsTool(relative: string, env: Record<string, string | undefined> = process.env): string {
  return win32.join(systemRoot(env), 'System32', relative);
}

/** Absolute on the OS that runs it: C:\\… on Windows (not \\… or /…, which depend on the current drive), /… elsewhere. */
export function isAbsoluteProgram(file: string, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' ? /^[A-Za-z]:\\/.test(file) : file.startsWith('/');
}
