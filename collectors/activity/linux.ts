import type { CollectContext, CollectResult } from '../types.js';
import type { Activity } from './schema.js';

// Placeholder until the Linux source lands.
export async function collect(_ctx: CollectContext): Promise<CollectResult<Activity>> {
  return { status: 'error', code: 'failed', message: 'the Linux activity source is not written yet' };
}
