import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { takeToken } from '../../server/limits/token-bucket.js';

describe('takeToken (pure)', () => {
  it('gives the burst at once, then one per interval, and says how long to wait', () => {
    let b = takeToken(undefined, 0, 3, 10_000);
    expect(b).toMatchObject({ allowed: true, remaining: 2 });
    b = takeToken(b.bucket, 0, 3, 10_000);
    b = takeToken(b.bucket, 0, 3, 10_000);
    expect(b).toMatchObject({ allowed: true, remaining: 0 });
    const refused = takeToken(b.bucket, 4_000, 3, 10_000);
    expect(refused).toMatchObject({ allowed: false, waitMs: 6_000 });
    expect(takeToken(refused.bucket, 10_000, 3, 10_000).allowed).toBe(true);
    // Looking does not take.
    const look = takeToken(undefined, 0, 1, 1_000, false);
    expect(takeToken(look.bucket, 0, 1, 1_000).allowed).toBe(true);
  });

  it('is total: any clock, capacity and interval give a defined answer with a finite wait', () => {
    const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -1));
    fc.assert(
      fc.property(fc.array(fc.tuple(num, num, num, fc.boolean()), { maxLength: 20 }), (steps) => {
        let bucket;
        for (const [now, capacity, interval, take] of steps) {
          const t = takeToken(bucket, now, capacity, interval, take);
          expect(typeof t.allowed).toBe('boolean');
          expect(Number.isFinite(t.waitMs) && t.waitMs >= 0).toBe(true);
          expect(Number.isFinite(t.bucket.tokens)).toBe(true);
          bucket = t.bucket;
        }
      }),
    );
  });

  it('a clock that goes back refills nothing', () => {
    const spent = takeToken(undefined, 100_000, 1, 1_000);
    expect(takeToken(spent.bucket, 0, 1, 1_000).allowed).toBe(false);
  });
});
