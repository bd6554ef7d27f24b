import type { CollectContext, CollectResult } from '../types.js';
import type { Locale } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Locale>> {
  return { status: 'error', code: 'failed', message: 'the Linux locale source is not written yet' };
}
