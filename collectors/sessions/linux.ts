import type { CollectContext, CollectResult } from '../types.js';
import type { Sessions } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Sessions>> {
  return { status: 'error', code: 'failed', message: 'the Linux sessions source is not written yet' };
}
