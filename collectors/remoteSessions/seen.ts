import { memoryOf } from '../memory.js';
import type { CollectContext } from '../types.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/** Sessions remembered at most; the oldest are forgotten first. */
const maxSeen = 2_000;

/**
 * Sources read by a time window rather than an offset (Windows events, macOS `log show`) see one session in several
 * windows: only the ones not reported before pass. Without a memory (a one-shot run) everything passes.
 */
export function unseen(ctx: CollectContext, key: string, sessions: readonly RemoteSession[]): RemoteSession[] {
  const seen = memoryOf(ctx, `remoteSessions:seen:${key}`, () => new Set<string>());
  const out: RemoteSession[] = [];
  for (const s of sessions) {
    const id = `${s.source}|${s.tool}|${s.start}|${s.peerId ?? ''}|${s.peerAddress ?? ''}|${s.end ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(s);
  }
  while (seen.size > maxSeen) seen.delete(seen.values().next().value!);
  return out;
}
