import type { CollectContext, CollectResult } from '../types.js';
import { pnpEntities } from '../usb/parse-pnp.js';
import { sectionData } from '../win32/inventory.js';
import { inputsFromPnp } from './parse-pnp-inputs.js';
import type { Inputs } from '../../schema/snapshot/inputs.js';

/** Windows input devices: Keyboard/Mouse-class PnP nodes and HID digitizers, from the inventory's `pnp` section (shared with usb). */
export async function collect(ctx: CollectContext): Promise<CollectResult<Inputs>> {
  const s = await sectionData(ctx, 'pnp');
  if (!('data' in s)) return s;
  const { devices, notes } = inputsFromPnp(pnpEntities(s.data).entities);
  return { status: 'ok', data: { devices }, notes };
}
