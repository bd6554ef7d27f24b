import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../server/storage/pg.js';
import { openSqlite } from '../../server/storage/sqlite.js';
import { engines } from '../helpers/engines.js';
import { cleanup, enroll, makeReport, postReport, startServer } from './helpers.js';

// The dashboard's reads on every storage engine (PostgreSQL when a test cluster is up).
describe.each(engines)('dashboard reads (%s)', (name, engine) => {
  it('the fleet overview ranks and counts devices by the server\'s verdict, not the laptop\'s own score', async () => {
    const db = await engine.db();
    const s = await startServer({ db });
    const reader = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    try {
      const { token } = await enroll(s.url, 'claims-none');
      // The laptop says "none" for a finding the server weighs as strong (the server re-scores).
      const finding = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'medium', confidence: 0.95, weight: 0.9, group: 'remote-access', subject: 'anydesk', evidence: { process: 'anydesk' } };
      expect((await postReport(s.url, token, makeReport('claims-none', { score: 0, level: 'none', findings: [finding] }))).status).toBe(202);
      const overview = await reader.fleetOverview(new Date(0), 10);
      const device = overview.devices.find((d) => d.deviceId === 'claims-none');
      expect(device?.score).toBeGreaterThan(0);
      expect(device?.level).not.toBe('none');
      expect(overview.byLevel[device!.level!]).toBe(1);
      expect(overview.byLevel.none).toBeUndefined();
      expect(overview.histogram.reduce((a, b) => a + b, 0)).toBe(1);
      expect(overview.histogram[0]).toBe(device!.score! < 10 ? 1 : 0);
    } finally {
      await reader.close();
      await s.close();
      cleanup(s.dir);
    }
  });
});
