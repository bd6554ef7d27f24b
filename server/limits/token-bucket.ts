/** One key's bucket: tokens left at `atMs`. */
export interface Bucket {
  tokens: number;
  atMs: number;
}

export interface Take {
  bucket: Bucket;
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Refused: ms until one token is back. Allowed: ms until the bucket is full again. */
  waitMs: number;
}

/**
 * Pure token bucket: `capacity` requests at once, then one every `intervalMs`. `take: false` only looks.
 * Total: a non-finite or backwards clock, a capacity outside 1..1e9 or an interval outside 1 ms..1e10 ms are clamped,
 * never thrown.
 */
export function takeToken(previous: Bucket | undefined, nowMs: number, capacityIn: number, intervalIn: number, take = true): Take {
  const capacity = Number.isFinite(capacityIn) ? Math.min(1e9, Math.max(1, Math.floor(capacityIn))) : 1;
  const intervalMs = Number.isFinite(intervalIn) ? Math.min(1e10, Math.max(1, intervalIn)) : 60_000;
  const now = Number.isFinite(nowMs) ? nowMs : (previous?.atMs ?? 0);
  // A clock that went back refills nothing rather than draining the bucket.
  const elapsed = previous ? Math.max(0, now - previous.atMs) : 0;
  const tokens = previous ? Math.min(capacity, previous.tokens + elapsed / intervalMs) : capacity;
  const allowed = tokens >= 1;
  const left = allowed && take ? tokens - 1 : tokens;
  const bucket = { tokens: left, atMs: Math.max(now, previous?.atMs ?? now) };
  const waitMs = allowed ? Math.ceil((capacity - left) * intervalMs) : Math.ceil((1 - tokens) * intervalMs);
  return { bucket, allowed, remaining: Math.floor(left), waitMs };
}
