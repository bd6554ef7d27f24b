import type { CollectContext, CollectResult } from '../types.js';
import { sectionData } from '../win32/inventory.js';
import { parseWmiDisplays } from './parse-wmi-monitor.js';
import type { Displays } from '../../schema/snapshot/displays.js';

/** Windows displays: root\wmi WmiMonitorID + registry EDID bytes of each present monitor; Win32_VideoController adapters. */
export async function collect(ctx: CollectContext): Promise<CollectResult<Displays>> {
  const s = await sectionData(ctx, 'displays');
  if (!('data' in s)) return s;
  const { connectors, adapters, notes } = parseWmiDisplays(s.data);
  if (connectors.length === 0) notes.push('no monitor reported by WmiMonitorID (headless, or only an indirect display without WMI data)');
  return { status: 'ok', data: { connectors, adapters }, notes };
}
