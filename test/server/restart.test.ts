import { describe, expect, it } from 'vitest';
import { cleanup, enroll, getJson, makeReport, postReport, startServer } from './helpers.js';

describe('restart', () => {
  it('keeps devices, reports, tokens and duplicates across a restart on the same db file', async () => {
    const first = await startServer();
    const { token, fleetKey } = await enroll(first.url, 'survivor');
    const report = makeReport('survivor');
    expect((await postReport(first.url, token, report)).status).toBe(202);
    await first.close();

    const second = await startServer({}, {}, first.dir);
    try {
      expect((await postReport(second.url, token, report)).status).toBe(200);
      expect((await postReport(second.url, token, makeReport('survivor'))).status).toBe(202);
      const detail = await getJson(second.url, '/api/v1/devices/survivor');
      expect(detail.body.history).toHaveLength(2);
      const again = await enroll(second.url, 'another');
      expect(again.fleetKey).toBe(fleetKey);
    } finally {
      await second.close();
      cleanup(first.dir);
    }
  });
});
