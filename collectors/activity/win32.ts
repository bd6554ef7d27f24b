import type { CollectContext, CollectResult } from '../types.js';
import type { Activity } from '../../schema/snapshot/activity.js';

/**
 * Windows idle time is not collected. GetLastInputInfo answers for the calling session only, and the agent runs as
 * SYSTEM in session 0, where no keyboard or mouse input ever arrives; a number from there would be false. Reading
 * the console user's idle time needs a small helper running in that user's session (not built yet). No process starts.
 */
export async function collect(_ctx: CollectContext): Promise<CollectResult<Activity>> {
  return {
    status: 'ok',
    data: {
      idleSeconds: null,
      source: 'GetLastInputInfo (not called)',
      unavailableReason: 'GetLastInputInfo reports only its own session; the agent runs as SYSTEM in session 0 and a per-user helper is not implemented',
    },
  };
}
