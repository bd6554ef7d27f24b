/**
 * When this process last wrote each (place, device) presence row. A device reports every few minutes from the same
 * places: rewriting its row each time cost 3 UPDATEs per report and dirtied presence pages in every commit (~10% of
 * the ingest's CPU, measured per statement). A row written less than a tenth of the window ago (at most a minute) is
 * left alone: the stored time then lags by less than that, which only moves the end of a stale membership that much
 * earlier. At the usual interval of minutes this skips nothing; it spares the rows of a device that reports faster,
 * as one emptying its spool after a time offline does. Only a committed write is remembered (the caller tells it after
 * commit), and what this process committed is still in the table, on either engine: a row's time only grows (every
 * write keeps the larger time, so another replica's write never lowers it) and only retention deletes rows, those
 * older than the window.
 */
export function recentPresence(maxEntries = 50_000) {
  const writtenAt = new Map<string, number>();
  const maxLagMs = 60_000;
  let sweptAt = 0;
  const key = (kind: string, place: string, deviceId: string) => `${kind}\u0000${place}\u0000${deviceId}`;
  const sweep = (now: number) => {
    for (const [k, at] of writtenAt) if (now - at >= maxLagMs || now - at < 0) writtenAt.delete(k);
    sweptAt = now;
  };
  return {
    fresh(kind: string, place: string, deviceId: string, now: number, windowMs: number): boolean {
      const at = writtenAt.get(key(kind, place, deviceId));
      return at !== undefined && now - at >= 0 && now - at < Math.min(maxLagMs, windowMs / 10);
    },
    wrote(kind: string, place: string, deviceId: string, now: number): void {
      // Entries older than the longest lag say nothing any more: dropped once a lag, so memory follows the traffic.
      if (now - sweptAt >= maxLagMs) sweep(now);
      const k = key(kind, place, deviceId);
      // Bounded whatever the traffic: when full, a write not remembered is only written again next time.
      if (writtenAt.size >= maxEntries && !writtenAt.has(k)) {
        sweep(now);
        if (writtenAt.size >= maxEntries) return;
      }
      writtenAt.set(k, now);
    },
    /** Rows remembered (read by the tests). */
    get size(): number {
      return writtenAt.size;
    },
  };
}
