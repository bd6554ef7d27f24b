import type { CollectContext, CollectResult } from '../types.js';
import type { Usb } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Usb>> {
  return { status: 'error', code: 'failed', message: 'the Linux usb source is not written yet' };
}
