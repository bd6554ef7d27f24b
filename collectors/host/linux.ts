import type { CollectContext, CollectResult } from '../types.js';
import type { Host } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Host>> {
  return { status: 'error', code: 'failed', message: 'the Linux host source is not written yet' };
}
