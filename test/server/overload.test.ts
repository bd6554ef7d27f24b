import { describe, expect, it } from 'vitest';
import { cleanup, enroll, getJson, makeReport, postReport, startServer } from './helpers.js';

describe('overload', () => {
  it('answers 429 overloaded with Retry-After when the ingest queue is full, and keeps every accepted report', async () => {
    const s = await startServer({}, { maxQueue: 2 });
    try {
      // Whether a burst overlaps a commit depends on timing: bursts of 50 (under one device's rate limit) from fresh
      // devices, bounded, until the queue has refused one.
      let refused: Awaited<ReturnType<typeof postReport>>[] = [];
      for (let round = 0; round < 6 && refused.length === 0; round++) {
        const deviceId = `burst-${round}`;
        const { token } = await enroll(s.url, deviceId);
        const results = await Promise.all(Array.from({ length: 50 }, () => postReport(s.url, token, makeReport(deviceId))));
        const statuses = results.map((r) => r.status);
        expect(statuses.every((st) => st === 202 || st === 429)).toBe(true);
        refused = results.filter((r) => r.status === 429);
        const accepted = statuses.filter((st) => st === 202).length;
        expect(accepted).toBeGreaterThan(0);
        const history = (await getJson(s.url, `/api/v1/devices/${deviceId}?history=1000`)).body.history;
        expect(history).toHaveLength(accepted);
      }
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]?.body).toMatchObject({ error: 'overloaded' });
      expect(refused[0]?.headers.get('retry-after')).toBe('1');
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
