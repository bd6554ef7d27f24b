import type { CollectContext, CollectResult } from '../types.js';
import type { Inputs } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Inputs>> {
  return { status: 'error', code: 'failed', message: 'the Linux inputs source is not written yet' };
}
