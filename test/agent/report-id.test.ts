import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { newReportId } from '../../agent/report-id.js';

describe('newReportId', () => {
  it('is a UUID version 7 (RFC 9562) carrying the time in its first 48 bits', () => {
    const at = Date.parse('2026-11-25T20:00:00.123Z');
    const id = newReportId(at);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in time order, and ids of the same millisecond differ', () => {
    const t = Date.now();
    const ids = [newReportId(t + 2), newReportId(t), newReportId(t + 1), newReportId(t + 1000)];
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
    const same = new Set(Array.from({ length: 1000 }, () => newReportId(t)));
    expect(same.size).toBe(1000);
  });
});
