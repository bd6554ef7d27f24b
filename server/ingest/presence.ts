/**
 * When this process last wrote each (place, device) presence row. A device reports every few minutes from the same
 * places: rewriting its row each time cost 3 UPDATEs per report and dirtied presence pages in every commit (~10% of
 * the ingest's CPU, measured per statement). A row written less than a tenth of the window ago (at most a minute) is
 * left alone: the stored time then lags by less than that, which only moves the end of a stale membership that much
 * earlier. SQLite is this process's alone (one server per file), so what it wrote is what the file holds.
 */
export function recentPresence() {
  const writtenAt = new Map<string, number>();
  const maxLagMs = 60_000;
  let sweptAt = 0;
  const key = (kind: string, place: string, deviceId: string) => `${kind}\u0000${place}\u0000${deviceId}`;
  return {
    fresh(kind: string, place: string, deviceId: string, now: number, windowMs: number): boolean {
      const at = writtenAt.get(key(kind, place, deviceId));
      return at !== undefined && now - at >= 0 && now - at < Math.min(maxLagMs, windowMs / 10);
    },
    wrote(kind: string, place: string, deviceId: string, now: number): void {
      writtenAt.set(key(kind, place, deviceId), now);
      // Entries older than the longest lag say nothing any more: dropped once a lag, so memory follows the traffic.
      if (now - sweptAt >= maxLagMs) {
        for (const [k, at] of writtenAt) if (now - at >= maxLagMs) writtenAt.delete(k);
        sweptAt = now;
      }
    },
  };
}
