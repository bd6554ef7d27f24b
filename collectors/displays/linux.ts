import type { CollectContext, CollectResult } from '../types.js';
import type { Displays } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Displays>> {
  return { status: 'error', code: 'failed', message: 'the Linux displays source is not written yet' };
}
