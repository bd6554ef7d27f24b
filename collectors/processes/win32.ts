import type { CollectContext, CollectResult } from '../types.js';
import { sectionData } from '../win32/inventory.js';
import { parseWinProcesses } from './parse-win-process.js';
import type { Processes } from '../../schema/snapshot/processes.js';

/**
 * Windows processes from Win32_Process inside the cycle's one PowerShell inventory (not ps-list, whose Windows
 * backend starts fastlist.exe, a second process, and gives neither path nor command line). The owner is left out:
 * Win32_Process.GetOwner is one WMI method call per process. Paths and command lines of protected processes are
 * empty even for SYSTEM: those processes have the name only.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Processes>> {
  const s = await sectionData(ctx, 'processes');
  if (!('data' in s)) return s;
  const { processes, skipped } = parseWinProcesses(s.data, { redactCommandLines: ctx.options.redactCommandLines });
  if (processes.length === 0) return { status: 'error', code: 'parse-error', message: 'Win32_Process listed no process' };
  const notes = ['user not collected on Windows (Win32_Process.GetOwner costs one WMI call per process)'];
  if (skipped) notes.push(`${skipped} Win32_Process rows without pid or name skipped`);
  return { status: 'ok', data: processes, notes };
}
