import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { buildReport } from '../../agent/report.js';
import { Reporter } from '../../agent/reporter.js';
import { Spool } from '../../agent/spool.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { reportBodyLimit, type Report } from '../../schema/report.js';
import { bodyLimit } from '../../server/body.js';
import { captureLog } from '../agent/log-capture.js';
import { engines } from '../helpers/engines.js';
import { emptySnapshot, proc, ruleContext } from '../helpers/snapshot.js';
import { serverForBlock, serverOn } from './engine-server.js';
import { enroll, getJson, makeReport, postReport, secrets, type Running } from './helpers.js';

// A report too large for the server's body limit used to be refused (413), dead-lettered by the agent and never seen.

const longDir = `/opt/${'vendor-tooling-'.repeat(12)}`;
/** A laptop whose user started n processes with long paths and command lines, and runs AnyDesk (pid 4242). */
function bulkySnapshot(n: number): Snapshot {
  const bulk = Array.from({ length: n }, (_, i) =>
    // Long paths in the executable itself: command lines are cut to argv[0] when the report is built (privacy), paths are not.
    proc({ pid: 20_000 + i, name: `worker-${i}`, exe: `${longDir}/${'w'.repeat(1200)}-${i}`, cmdline: [`${longDir}/${'w'.repeat(1200)}-${i}`, '--data', `${longDir}/var/${'d'.repeat(1400)}`] }),
  );
  return emptySnapshot({ collectedAt: new Date().toISOString(), processes: [...bulk, proc({ pid: 4242, name: 'anydesk', exe: '/usr/bin/anydesk' })] });
}

/** The agent's own report builder: its snapshot always travels, its byte budget is the default. */
function agentReport(deviceId: string, fleetKey: string, snapshot: Snapshot): Report {
  return buildReport({
    snapshot,
    evaluation: evaluateSnapshot(snapshot, ruleContext()),
    config: parseConfig({ report: { snapshot: 'always' } }),
    deviceId,
    fleetKey,
    agentVersion: '0.1.0',
    health: { cpuMs: 40 },
    nextReportBy: new Date(Date.now() + 330_000),
  });
}

/** The agent's durable spool and reporter, delivering to `url` once. */
async function deliver(url: string, token: string, report: Report) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-size-agent-'));
  const logs = captureLog();
  const spool = new Spool(dir, 50 * 1024 * 1024, logs.log);
  await spool.open();
  await spool.add(report);
  const reporter = new Reporter({ serverUrl: url, token, spool, log: logs.log, timeoutMs: 10_000 });
  try {
    const result = await reporter.drain();
    return { result, deadLetter: await readdir(spool.deadLetterDir), spooled: (await spool.list()).length, logs: logs.lines() };
  } finally {
    reporter.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A page of the dashboard, signed in with the admin token like a SOC analyst. */
async function dashboardPage(s: Running, path: string): Promise<string> {
  const login = await fetch(`${s.url}/dashboard/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: secrets.adminToken }).toString(),
    redirect: 'manual',
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await fetch(`${s.url}${path}`, { headers: { cookie } });
  expect(page.status).toBe(200);
  return page.text();
}

const alertsOf = async (s: Running, deviceId: string, rule: string) =>
  (await getJson(s.url, '/api/v1/alerts')).body.alerts.filter((a: { rule: string; deviceIds: string[] }) => a.rule === rule && a.deviceIds.includes(deviceId));

it('the agent and the server share one body limit', () => {
  expect(bodyLimit).toBe(reportBodyLimit);
});

describe.each(engines)('%s engine', (_name, engine) => {
  const startServer = serverOn(engine);

  describe('a report too large for the body limit', () => {
    let s!: Running;
    serverForBlock(startServer, (running) => (s = running));

    it('600 processes with long paths: the report arrives trimmed (202), is shown truncated, and the server verdict keeps the findings', async () => {
      const { token, fleetKey } = await enroll(s.url, 'size-big');
      const report = agentReport('size-big', fleetKey, bulkySnapshot(600));
      // As built it was over the server's limit: before trimming, this report got 413.
      expect(report.truncated?.bytesBefore).toBeGreaterThan(bodyLimit);
      expect(report.truncated?.cuts.map((c) => c.path)).toEqual(['snapshot.processes']);
      expect(report.findings.map((f) => f.rule)).toContain('remote-access.running');

      const { result, deadLetter } = await deliver(s.url, token, report);
      expect(result).toMatchObject({ sent: 1, deadLettered: 0 });
      expect(deadLetter).toEqual([]);

      const detail = (await getJson(s.url, '/api/v1/devices/size-big')).body;
      expect(detail.truncated).toMatchObject({ bytesBefore: report.truncated!.bytesBefore, cuts: [{ path: 'snapshot.processes', removed: report.truncated!.cuts[0]!.removed }] });
      expect(detail.findings.map((f: { rule: string }) => f.rule)).toContain('remote-access.running');
      expect(detail.standing.serverScore).toBe(report.score);
      expect(detail.standing.serverLevel).toBe(report.level);
      expect(report.score).toBeGreaterThan(0);

      // The dashboard's device page says so too.
      const page = await dashboardPage(s, '/dashboard/devices/size-big');
      expect(page).toContain('<span class="badge status">truncated</span>');
      expect(page).toContain(`<code>snapshot.processes</code> −${report.truncated!.cuts[0]!.removed}`);
    });

    it("a truncated report's findings that the trimmed snapshot cannot show are kept by the server; an untruncated one gets no such credit", async () => {
      const { token } = await enroll(s.url, 'size-kept');
      const findings = [
        {
          rule: 'remote-access.running', title: 'AnyDesk running', severity: 'high', confidence: 0.9, subject: 'anydesk', group: 'remote-access',
          evidence: { tool: 'AnyDesk', processes: [{ process: 'anydesk', pid: 4242 }] },
        },
        { rule: 'ipkvm.usb', title: 'An IP-KVM is attached over USB', severity: 'critical', confidence: 0.9, subject: 'pikvm', group: 'ipkvm', evidence: { vendorId: '1d6b', productId: '0104' } },
      ];
      // The process AnyDesk ran as and the USB list were cut from the snapshot.
      const snapshot = emptySnapshot({ collectedAt: new Date().toISOString(), processes: [proc({ pid: 1, name: 'systemd' })] });
      const at = (m: number) => new Date(Date.now() + m * 60_000);
      const send = (extra: Record<string, unknown>, m: number) =>
        postReport(s.url, token, makeReport('size-kept', { score: 95, level: 'critical', findings, snapshot, ...extra }, at(m)));
      const serverScore = async () => (await getJson(s.url, '/api/v1/devices/size-kept')).body.standing.serverScore as number;

      // Without a truncation mark the snapshot is the whole truth: the server finds neither in it.
      expect((await send({}, 1)).status).toBe(202);
      expect(await serverScore()).toBe(0);

      const cuts = [{ path: 'snapshot.processes', removed: 600 }, { path: 'snapshot.usb.devices', removed: 3 }];
      expect((await send({ truncated: { bytesBefore: 1_400_000, cuts } }, 2)).status).toBe(202);
      const keptScore = await serverScore();
      expect((await getJson(s.url, '/api/v1/devices/size-kept')).body.truncated.cuts).toEqual(cuts);
      const [kvm] = await alertsOf(s, 'size-kept', 'ipkvm.usb');
      // Without a snapshot the server re-scores the agent's findings under its policy: the same score.
      expect((await send({ snapshot: undefined }, 3)).status).toBe(202);
      expect(await serverScore()).toBe(keptScore);
      expect(keptScore).toBeGreaterThan(60);
      expect(kvm.evidence.findings[0].evidence.keptFromAgent).toMatch(/truncated/);
    });
  });

  describe('a report the server refuses as too large anyway (a tiny body limit)', () => {
    let s!: Running;
    serverForBlock(() => startServer({}, { bodyLimit: 64 * 1024 }), (running) => (s = running));

    it('413: the agent sends a small report naming the refused one; the server raises agent.report-refused and keeps the verdict', async () => {
      const { token, fleetKey } = await enroll(s.url, 'size-413');
      const report = agentReport('size-413', fleetKey, bulkySnapshot(150));
      const bytes = Buffer.byteLength(JSON.stringify(report));
      expect(bytes).toBeGreaterThan(64 * 1024);
      expect(report.truncated).toBeUndefined();

      const { result, deadLetter, spooled, logs } = await deliver(s.url, token, report);
      expect(result).toMatchObject({ sent: 0, deadLettered: 1, refusedNoticed: 1 });
      expect(deadLetter).toEqual([expect.stringContaining(report.reportId)]);
      expect(spooled).toBe(0);
      expect(logs.some((l) => l.level === 50 && String(l.msg).includes('too large (HTTP 413)') && l.reportId === report.reportId)).toBe(true);

      const [refused, ...more] = await alertsOf(s, 'size-413', 'agent.report-refused');
      expect(more).toEqual([]);
      expect(refused).toMatchObject({ severity: 'medium', status: 'open' });
      expect(refused.evidence).toMatchObject({ refusedReportId: report.reportId, bytes, status: 413, collectedAt: report.collectedAt });
      const detail = (await getJson(s.url, '/api/v1/devices/size-413')).body;
      expect(detail.history.map((h: { reportId: string }) => h.reportId)).toEqual([refused.evidence.reportId]);
      // The replacing report carried the refused one's findings: the verdict did not drop with the lost report.
      expect(detail.findings.map((f: { rule: string }) => f.rule)).toContain('remote-access.running');
      expect(detail.standing.serverScore).toBe(report.score);
      expect(detail.truncated.cuts).toEqual([{ path: 'snapshot', removed: 1 }]);
    });
  });
});
