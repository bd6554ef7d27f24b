import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localTime } from '../../server/places/local-time.js';

/** What localTime answers, computed afresh for every instant (no kept quarter hour). */
function uncached(ms: number, timeZone: string): { day: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) % 24 };
}

describe('localTime', () => {
  // Whole, half and quarter hour offsets, both hemispheres' summer time, a 30-minute summer shift, a zone with an odd
  // historical offset (Amsterdam, +00:19:32 before 1937).
  const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Australia/Adelaide', 'Europe/Amsterdam', 'Pacific/Chatham'];

  it('answers as a fresh computation for any instant and zone, in any order', () => {
    const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) });
    // Runs of nearby instants (the cache's case) and far jumps.
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, fc.array(fc.integer({ min: -3_600_000, max: 3_600_000 }), { maxLength: 20 }), (zone, start, steps) => {
        let ms = start;
        for (const step of [0, ...steps]) {
          ms += step;
          expect(localTime(ms, zone)).toEqual(uncached(ms, zone));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('around summer time changes, minute by minute', () => {
    for (const [zone, at] of [['America/New_York', '2026-03-08T06:00:00Z'], ['America/New_York', '2026-11-01T05:00:00Z'], ['Australia/Lord_Howe', '2026-04-04T14:00:00Z']] as const) {
      for (let m = 0; m < 240; m++) {
        const ms = Date.parse(at) + m * 60_000;
        expect(localTime(ms, zone)).toEqual(uncached(ms, zone));
      }
    }
  });

  it('takes an unknown zone as UTC', () => {
    expect(localTime(Date.parse('2026-11-02T23:30:00Z'), 'Not/AZone')).toEqual({ day: '2026-11-02', hour: 23 });
    expect(localTime(Date.parse('2026-11-02T23:30:00Z'), undefined)).toEqual({ day: '2026-11-02', hour: 23 });
  });
});
