import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectedAtOf, storedCollectedMs } from '../../server/db/heartbeat-key.js';
import { newReportId } from '../../agent/report-id.js';

describe('a heartbeat\'s collected time', () => {
  it('is NULL only where the id holds it, and reads back the same either way', () => {
    const ids = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((ms) => newReportId(ms)),
      fc.uuid().map((u) => u.toLowerCase()),
    );
    fc.assert(
      fc.property(ids, fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.boolean(), (id, other, fromId) => {
        const idMs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
        const ms = fromId ? idMs : other;
        const stored = storedCollectedMs(id, ms);
        expect(stored === null).toBe(ms === idMs);
        expect(collectedAtOf(id, stored)).toBe(new Date(ms).toISOString());
        // As the readers get it back: PostgreSQL's bigint as text, an id asked in upper case.
        expect(collectedAtOf(id.toUpperCase(), stored === null ? null : String(stored))).toBe(new Date(ms).toISOString());
      }),
    );
  });

  it('is total over what a row may hold', () => {
    const id = newReportId(Date.parse('2026-12-04T00:00:00.000Z'));
    expect(storedCollectedMs('not-a-uuid', 5)).toBe(5);
    for (const stored of ['x', '9'.repeat(30), Number.NaN, 1e300]) expect(collectedAtOf(id, stored)).toBe('1970-01-01T00:00:00.000Z');
    expect(collectedAtOf('zz', null)).toBe('1970-01-01T00:00:00.000Z');
  });
});
