import { arch, hostname, release, uptime } from 'node:os';
import { io, parseIoreg, type IoNode } from '../parse-ioreg.js';
import { parsePlist, plistString } from '../parse-plist.js';
import type { CollectContext, CollectResult } from '../types.js';
import { darwinChassis, darwinVirtualization, parsePmsetBatt } from './parse-darwin-host.js';
import type { Host } from '../../schema/snapshot/host.js';
import { darwinTools } from '../programs.js';

export const systemVersionPlist = '/System/Library/CoreServices/SystemVersion.plist';
export const ioregPlatform = ['-r', '-d', '1', '-c', 'IOPlatformExpertDevice'] as const;
export const ioregClamshell = ['-r', '-d', '1', '-k', 'AppleClamshellState'] as const;
export const pmsetBatt = ['-g', 'batt'] as const;

async function ioNode(ctx: CollectContext, args: readonly string[], notes: string[]): Promise<IoNode | undefined> {
  try {
    return parseIoreg(await ctx.exec(darwinTools.ioreg, args, { timeoutMs: 5_000 })).nodes[0];
  } catch (err) {
    notes.push(`ioreg ${args.join(' ')} failed: ${(err as Error).message}`);
    return undefined;
  }
}

async function osVersion(ctx: CollectContext, notes: string[]): Promise<Host['os']> {
  try {
    const plist = parsePlist(await ctx.readFileBuffer(systemVersionPlist));
    const version = plistString(plist, 'ProductVersion');
    return { name: plistString(plist, 'ProductName') ?? 'macOS', id: 'macos', ...(version ? { version } : {}) };
  } catch (err) {
    notes.push(`${systemVersionPlist} unreadable: ${(err as Error).message}`);
    return { name: 'macOS', id: 'macos' };
  }
}

/** macOS host: SystemVersion.plist read directly; three forks (ioreg platform, ioreg clamshell, pmset). */
export async function collect(ctx: CollectContext): Promise<CollectResult<Host>> {
  const notes: string[] = [];
  const [os, platform, clam, batt] = await Promise.all([
    osVersion(ctx, notes),
    ioNode(ctx, ioregPlatform, notes),
    ioNode(ctx, ioregClamshell, notes),
    ctx.exec(darwinTools.pmset, pmsetBatt, { timeoutMs: 5_000 }).catch((err: Error) => { notes.push(`pmset -g batt failed: ${err.message}`); return ''; }),
  ]);
  if (!platform) {
    return { status: 'error', code: 'failed', message: `IOPlatformExpertDevice not readable: ${notes.join('; ')}` };
  }
  const model = io.str(platform, 'model');
  const manufacturer = io.str(platform, 'manufacturer');
  const serial = io.str(platform, 'IOPlatformSerialNumber');
  const machineId = io.str(platform, 'IOPlatformUUID');
  const virtualization = darwinVirtualization(model, manufacturer);
  const clamshell = clam ? io.bool(clam, 'AppleClamshellState') : undefined;
  const chassis = darwinChassis(model, clamshell !== undefined, virtualization.isVirtual);
  let power = parsePmsetBatt(batt);
  if (!power) {
    if (batt) notes.push('pmset -g batt output not understood');
    power = { onAc: null };
  }
  const data: Host = {
    hostname: hostname(),
    os,
    kernel: release(),
    arch: arch(),
    virtualization,
    power,
    lid: clamshell === undefined ? null : clamshell ? 'closed' : 'open',
    uptimeSeconds: uptime(),
    ...(machineId ? { machineId } : {}),
    ...(serial && serial !== '0' ? { serial } : {}),
    ...(manufacturer ? { vendor: manufacturer } : {}),
    ...(model ? { model } : {}),
    ...(chassis ? { chassis } : {}),
  };
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
