import type { CollectContext, CollectResult } from '../types.js';
import { sectionData } from '../win32/inventory.js';
import { parseWinSoftware } from './parse-win-software.js';
import type { Software } from '../../schema/snapshot/software.js';

/** Windows software: Uninstall registry keys (HKLM, WOW6432Node, loaded user hives) and Win32_Service, from the inventory. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Software>> {
  const s = await sectionData(ctx, 'software');
  if (!('data' in s)) return s;
  const { items, skipped } = parseWinSoftware(s.data);
  if (items.length === 0) return { status: 'error', code: 'parse-error', message: 'no Uninstall entry and no service listed' };
  const notes = ['per-user installs are read only from hives loaded now (users signed in); other profiles are not opened'];
  if (skipped) notes.push(`${skipped} entries without a name skipped`);
  return { status: 'ok', data: { items }, notes };
}
