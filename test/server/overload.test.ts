import { describe, expect, it } from 'vitest';
import { cleanup, enroll, getJson, makeReport, postReport, startServer } from './helpers.js';

describe('overload', () => {
  it('answers 429 with Retry-After when the ingest queue is full, and keeps every accepted report', async () => {
    const s = await startServer({}, { maxQueue: 2 });
    try {
      const { token } = await enroll(s.url, 'burst');
      const results = await Promise.all(Array.from({ length: 40 }, () => postReport(s.url, token, makeReport('burst'))));
      const statuses = results.map((r) => r.status);
      expect(statuses.every((st) => st === 202 || st === 429)).toBe(true);
      const refused = results.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]?.headers.get('retry-after')).toBe('1');
      const accepted = statuses.filter((st) => st === 202).length;
      expect(accepted).toBeGreaterThan(0);
      const history = (await getJson(s.url, '/api/v1/devices/burst?history=1000')).body.history;
      expect(history).toHaveLength(accepted);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
