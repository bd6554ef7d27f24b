import type { CollectContext, CollectResult } from '../types.js';
import type { Processes } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Processes>> {
  return { status: 'error', code: 'failed', message: 'the Linux processes source is not written yet' };
}
