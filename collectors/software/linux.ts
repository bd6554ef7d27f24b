import type { CollectContext, CollectResult } from '../types.js';
import type { Software } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Software>> {
  return { status: 'error', code: 'failed', message: 'the Linux software source is not written yet' };
}
