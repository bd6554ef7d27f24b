import type { CollectContext, CollectResult } from '../types.js';
import type { Network } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Network>> {
  return { status: 'error', code: 'failed', message: 'the Linux network source is not written yet' };
}
