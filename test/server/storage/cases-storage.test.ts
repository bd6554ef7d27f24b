import { describe, expect, it } from 'vitest';
import { caseStore } from '../../../server/cases/store.js';
import { verdictLog } from '../../../server/cases/verdict-log.js';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import type { Alert } from '../../../server/db/records.js';
import type { Report } from '../../../schema/report.js';
import { engines } from '../../helpers/engines.js';

const alert = (over: Partial<Alert>): Alert => ({
  id: 1, rule: 'ipkvm.usb', status: 'open', severity: 'critical', deviceIds: ['lap-1'], summary: 's', evidence: {},
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});

const report = (id: string, score: number, snapshot?: Record<string, unknown>): Report =>
  ({
    reportId: id, deviceId: 'lap-1', collectedAt: '2026-01-01T00:00:00.000Z', score, level: score >= 85 ? 'critical' : 'none',
    findings: [{ rule: 'ipkvm.usb', title: 'KVM', severity: 'critical', confidence: 0.9, weight: 0.95, group: 'ipkvm', evidence: { product: 'PiKVM' } }],
    agent: { version: '0.1.0', configHash: 'x' }, ...(snapshot ? { snapshot } : {}),
  }) as unknown as Report;

// Cases and the verdict log are written once against storage.sql: the same test on both engines.
describe.each(engines)('cases and the verdict log (%s)', (name, engine) => {
  it('syncs cases from alerts, transitions them, keeps events; logs verdicts and blind spots per report', async () => {
    const db = await engine.db();
    const storage = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    try {
      const store = caseStore(storage.sql);
      const t0 = new Date('2026-01-01T00:00:01.000Z');
      const active = [alert({ id: 1 }), alert({ id: 2, rule: 'remote-access.running', severity: 'medium' }), alert({ id: 3, rule: 'fleet.colocation', severity: 'high', deviceIds: ['lap-2', 'lap-1'], summary: '2 devices share 1 places' })];
      await store.sync(active, t0);
      await store.sync(active, t0);
      const cases = await store.list();
      expect(cases.map((c) => [c.key, c.severity, c.state])).toEqual([['device:lap-1', 'critical', 'new'], ['cluster:3', 'high', 'new']]);
      const device = cases[0]!;
      expect(device.why).toMatch(/^\S.* \(and 1 more alert\)$/);
      expect(await store.setState(device.id, 'resolved', null, 'me', t0)).toBe('conflict');
      const resolved = await store.setState(device.id, 'resolved', 'false-positive', 'me', new Date('2026-01-01T00:00:02.000Z'));
      expect(resolved).toMatchObject({ state: 'resolved', reason: 'false-positive' });
      expect((await store.list({ state: 'open' })).map((c) => c.key)).toEqual(['cluster:3']);
      // An alert that changes after the resolution reopens the case.
      await store.sync([alert({ id: 1, updatedAt: '2026-01-01T00:00:03.000Z' })], new Date('2026-01-01T00:00:03.000Z'));
      expect((await store.get(device.id))?.state).toBe('new');
      expect((await store.assign(device.id, 'dana', 'me', t0))?.assignee).toBe('dana');
      expect((await store.note(device.id, 'a note', 'me', t0))?.text).toBe('a note');
      await store.logExport(device.id, 'me', t0);
      expect((await store.events(device.id)).map((e) => e.kind)).toEqual(['opened', 'state', 'reopened', 'assign', 'note', 'export']);

      const log = verdictLog(storage.sql);
      const blindSnapshot = { usb: { devices: [] }, collectors: { usb: { status: 'ok', notes: ['no USB devices under /sys/bus/usb/devices'] } } };
      await log.record(report('r1', 0), undefined, new Date('2026-01-01T00:00:00.000Z'), '10.0.0.1');
      await log.record(report('r2', 90, blindSnapshot), { score: 90, level: 'critical', findings: report('r2', 90).findings }, new Date('2026-01-01T01:00:00.000Z'), '10.0.0.2');
      await log.record(report('r2', 90), undefined, new Date('2026-01-01T01:00:00.000Z'), '10.0.0.2');
      const history = await log.history('lap-1');
      expect(history.map((h) => [h.reportId, h.serverScore, h.sourceIp])).toEqual([['r1', 0, '10.0.0.1'], ['r2', 90, '10.0.0.2']]);
      expect(history[1]?.serverFindings[0]).toMatchObject({ rule: 'ipkvm.usb', evidence: { product: 'PiKVM' } });
      expect(history[1]?.blind).toContain('usb');
      await storage.enroll({ deviceId: 'lap-1', hostname: 'lap-1', platform: 'linux', agentVersion: '0.1.0', tokenHash: Buffer.alloc(32, 1), at: t0 });
      await storage.sql.run('UPDATE devices SET latest_report_id = ? WHERE device_id = ?', ['r2', 'lap-1']);
      expect((await log.latest('lap-1'))?.reportId).toBe('r2');
      expect([...(await log.blindDevices('usb'))]).toEqual(['lap-1']);
      expect((await log.topFindingOf(['lap-1'])).get('lap-1')).toBe('KVM');

      // The stored form: deflated on SQLite (read back the same), text on PostgreSQL; a row written as text (before
      // SQLite deflated the lists) reads as it did.
      const stored = await storage.sql.get<{ agent_findings: unknown; server_findings: unknown }>('SELECT agent_findings, server_findings FROM report_verdicts WHERE report_id = ?', ['r2']);
      if (name === 'sqlite') expect(stored?.agent_findings).toBeInstanceOf(Uint8Array);
      else expect(typeof stored?.agent_findings).toBe('string');
      const text = JSON.stringify([{ rule: 'old.rule', title: 'Old', severity: 'low', confidence: 1, evidence: { a: 1 } }]);
      await storage.sql.run(
        `INSERT INTO report_verdicts (report_id, device_id, received_ms, collected_at, source_ip, agent_score, agent_level, server_score, server_level, agent_findings, server_findings, blind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ['r3', 'lap-1', Date.parse('2026-01-01T02:00:00.000Z'), '2026-01-01T02:00:00.000Z', null, 1, 'low', 1, 'low', text, text, 'null'],
      );
      const after = await log.history('lap-1');
      expect(after.map((h) => h.reportId)).toEqual(['r1', 'r2', 'r3']);
      expect(after[2]?.agentFindings).toEqual(JSON.parse(text));
      expect(after[1]?.agentFindings).toEqual(history[1]?.agentFindings);
    } finally {
      await storage.close();
    }
  });
});
