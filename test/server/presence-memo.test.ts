import { describe, expect, it } from 'vitest';
import { recentPresence } from '../../server/ingest/presence.js';

const day = 24 * 3_600_000;

describe('recentPresence', () => {
  it('holds a written row fresh for at most a minute, and a tenth of a short window', () => {
    const memo = recentPresence();
    memo.wrote('ip', '203.0.113.0/24', 'dev-1', 1_000_000);
    expect(memo.fresh('ip', '203.0.113.0/24', 'dev-1', 1_000_000, day)).toBe(true);
    expect(memo.fresh('ip', '203.0.113.0/24', 'dev-1', 1_059_999, day)).toBe(true);
    expect(memo.fresh('ip', '203.0.113.0/24', 'dev-1', 1_060_000, day)).toBe(false);
    // A six-minute window: a tenth is 36 s.
    expect(memo.fresh('ip', '203.0.113.0/24', 'dev-1', 1_036_000, 360_000)).toBe(false);
    expect(memo.fresh('ip', '203.0.113.0/24', 'dev-1', 1_035_999, 360_000)).toBe(true);
  });

  it('keeps places, kinds and devices apart, and never holds a time from the future fresh', () => {
    const memo = recentPresence();
    memo.wrote('gateway', 'aa', 'dev-1', 5_000);
    expect(memo.fresh('bssid', 'aa', 'dev-1', 5_000, day)).toBe(false);
    expect(memo.fresh('gateway', 'aa', 'dev-2', 5_000, day)).toBe(false);
    expect(memo.fresh('gateway', 'ab', 'dev-1', 5_000, day)).toBe(false);
    expect(memo.fresh('gateway', 'aa', 'dev-1', 4_999, day)).toBe(false);
  });

  it('forgets what is older than the lag, and stays within its bound under any traffic', () => {
    const memo = recentPresence(100);
    for (let i = 0; i < 100; i++) memo.wrote('ip', 'p', `dev-${i}`, 0);
    // Full with rows still fresh: a new one is not remembered (only written again next time), the old ones stay.
    memo.wrote('ip', 'p', 'dev-new', 1_000);
    expect(memo.size).toBe(100);
    expect(memo.fresh('ip', 'p', 'dev-new', 1_000, day)).toBe(false);
    expect(memo.fresh('ip', 'p', 'dev-0', 1_000, day)).toBe(true);
    // A row already held is refreshed even when full.
    memo.wrote('ip', 'p', 'dev-1', 30_000);
    expect(memo.fresh('ip', 'p', 'dev-1', 80_000, day)).toBe(true);
    // Once the lag has passed the stale rows go: memory follows the traffic.
    memo.wrote('ip', 'p', 'dev-later', 61_000);
    expect(memo.size).toBe(2);
    expect(memo.fresh('ip', 'p', 'dev-later', 61_000, day)).toBe(true);
  });
});
