import { arch, hostname } from 'node:os';
import type { CollectContext, CollectResult } from '../types.js';
import { sectionData } from '../win32/inventory.js';
import { parseWinHost } from './parse-win-host.js';
import type { Host } from '../../schema/snapshot/host.js';

/** Windows host: Win32_OperatingSystem, Win32_ComputerSystem, Win32_BIOS, Win32_SystemEnclosure, Win32_Battery, MachineGuid. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Host>> {
  const s = await sectionData(ctx, 'host');
  if (!('data' in s)) return s;
  const { host, notes } = parseWinHost(s.data, { hostname: hostname(), arch: arch(), now: ctx.now() });
  return { status: 'ok', data: host, notes };
}
