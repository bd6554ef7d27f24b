import { describe, expect, it } from 'vitest';
import { byteSize, fitReport } from '../../agent/report-budget.js';
import { refusedNotice, refusedNoticeBudget } from '../../agent/refused-notice.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { reportByteBudget, reportSchema, type Report } from '../../schema/report.js';
import { emptySnapshot, proc, ruleContext, tcp } from '../helpers/snapshot.js';
import { makeReport } from './make-report.js';

const longDir = `/opt/${'vendor-tooling-'.repeat(12)}`;
/** n processes with long paths and command lines, like a user who starts hundreds on purpose. */
const bulkProcesses = (n: number, pid0 = 20_000) =>
  Array.from({ length: n }, (_, i) => proc({ pid: pid0 + i, name: `worker-${i}`, exe: `${longDir}/worker-${i}`, cmdline: [`${longDir}/worker-${i}`, '--config', `${longDir}/etc/worker-${i}.json`, '--data', `${longDir}/var/${'d'.repeat(1400)}`] }));

/** A report as buildReport makes it: the findings are the real rules' on the snapshot. */
function reportOf(snapshot: Snapshot): Report {
  const evaluation = evaluateSnapshot(snapshot, ruleContext());
  return makeReport({ score: evaluation.score, level: evaluation.level, findings: evaluation.findings, snapshot: snapshot as unknown as Report['snapshot'] });
}

const cutPaths = (r: Report) => (r.truncated?.cuts ?? []).map((c) => c.path);
const pidsOf = (r: Report) => ((r.snapshot as unknown as Snapshot).processes ?? []).map((p) => p.pid);

describe('fitReport', () => {
  it('returns a report within the budget as it is', () => {
    const report = reportOf(emptySnapshot({ processes: bulkProcesses(3) }));
    expect(fitReport(report, reportByteBudget)).toBe(report);
  });

  it('600 processes with long paths: drops processes no finding cites, keeps every finding and the processes they cite', () => {
    const anydesk = proc({ pid: 4242, name: 'anydesk', exe: '/usr/bin/anydesk' });
    const snapshot = emptySnapshot({ processes: [...bulkProcesses(600), anydesk] });
    const report = reportOf(snapshot);
    expect(report.findings.map((f) => f.rule)).toContain('remote-access.running');
    const before = byteSize(report);
    expect(before).toBeGreaterThan(reportByteBudget);

    const fitted = fitReport(report, reportByteBudget);
    expect(byteSize(fitted)).toBeLessThanOrEqual(reportByteBudget);
    expect(reportSchema.safeParse(fitted).success).toBe(true);
    expect(fitted.findings).toEqual(report.findings);
    expect(fitted.score).toBe(report.score);
    expect(pidsOf(fitted)).toContain(4242);
    expect(cutPaths(fitted)).toEqual(['snapshot.processes']);
    const removed = fitted.truncated!.cuts[0]!.removed;
    expect(pidsOf(fitted)).toHaveLength(601 - removed);
    // Only as many as needed: most of the processes are still there.
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(601);
    expect(fitted.truncated).toMatchObject({ bytesBefore: before, budget: reportByteBudget, bytesAfter: byteSize(fitted) });
    // The input is not changed.
    expect(pidsOf(report)).toHaveLength(601);
  });

  it('cuts in order: processes without findings, command lines, software, then other lists; findings last', () => {
    // Every process is cited by a finding (remote-access.running evidence carries its pid), so none is dropped first.
    const cited = Array.from({ length: 10 }, (_, i) => proc({ pid: 100 + i, name: 'anydesk', exe: '/usr/bin/anydesk', cmdline: ['/usr/bin/anydesk', '--x', 'a'.repeat(4000)] }));
    const software = Array.from({ length: 200 }, (_, i) => ({ name: `package-${i}`, source: 'dpkg' as const, path: `${longDir}/${'s'.repeat(300)}` }));
    const connections = Array.from({ length: 400 }, (_, i) => tcp({ localPort: 10_000 + i, remoteAddress: `198.51.100.${i % 250}` }));
    const snapshot = emptySnapshot({ processes: cited, software: { items: [...software, { name: 'anydesk', source: 'dpkg' }] }, network: { connections } });
    const report = reportOf(snapshot);
    const size = byteSize(report);
    const budgetFor = (bytes: number) => size - bytes;

    const onlyCmdlines = fitReport(report, budgetFor(10_000));
    expect(cutPaths(onlyCmdlines)).toEqual(['snapshot.processes[].cmdline']);
    expect(pidsOf(onlyCmdlines)).toHaveLength(10);

    const withSoftware = fitReport(report, budgetFor(60_000));
    expect(cutPaths(withSoftware)).toEqual(['snapshot.processes[].cmdline', 'snapshot.software.items']);
    // The package a finding cites stays.
    expect((withSoftware.snapshot as unknown as Snapshot).software!.items.map((s) => s.name)).toContain('anydesk');

    const withOthers = fitReport(report, 30_000);
    expect(cutPaths(withOthers).slice(0, 3)).toEqual(['snapshot.processes[].cmdline', 'snapshot.software.items', 'snapshot.network.connections']);
    expect(byteSize(withOthers)).toBeLessThanOrEqual(30_000);
    // Copy on write: the report it was given is as it was.
    const original = report.snapshot as unknown as Snapshot;
    expect(original.processes!.every((p) => p.cmdline!.length === 3)).toBe(true);
    expect([original.software!.items.length, original.network!.connections.length]).toEqual([201, 400]);
    expect(byteSize(report)).toBe(size);
    for (const r of [onlyCmdlines, withSoftware, withOthers]) {
      expect(r.findings).toEqual(report.findings);
      expect(reportSchema.safeParse(r).success).toBe(true);
    }
  });

  it('leaves the snapshot out only when its lists are not enough, and then shortens evidence: a finding is never removed', () => {
    const report = reportOf(emptySnapshot({ processes: [proc({ pid: 7, name: 'anydesk', exe: '/usr/bin/anydesk' })] }));
    const bloated: Report = {
      ...report,
      findings: Array.from({ length: 400 }, (_, i) => ({ ...report.findings[0]!, subject: `tool-${i}`, evidence: { exe: 'x'.repeat(3000), list: Array.from({ length: 50 }, (_, j) => j) } })),
    };
    const fitted = fitReport(bloated, 200_000);
    expect(byteSize(fitted)).toBeLessThanOrEqual(200_000);
    expect(fitted.snapshot).toBeUndefined();
    expect(String(fitted.snapshotOmitted)).toMatch(/over the 200000-byte budget/);
    expect(cutPaths(fitted)).toEqual(['snapshot', 'findings[].evidence']);
    expect(fitted.findings.map((f) => [f.rule, f.subject, f.confidence])).toEqual(bloated.findings.map((f) => [f.rule, f.subject, f.confidence]));
    expect(String(fitted.findings[0]!.evidence.exe)).toMatch(/^x{256}…$/);
    expect(reportSchema.safeParse(fitted).success).toBe(true);
  });

  it('is total: a budget no report fits, a malformed snapshot, deeply nested lists give a report, not a throw', () => {
    const report = reportOf(emptySnapshot({ processes: bulkProcesses(20) }));
    const tiny = fitReport(report, 0);
    expect(tiny.findings).toEqual(report.findings);
    expect(tiny.truncated?.budget).toBe(0);
    let deep: Record<string, unknown> = { v: 'x'.repeat(5000) };
    for (let i = 0; i < 50; i++) deep = { deep, list: ['y'.repeat(500)] };
    const odd = { ...report, snapshot: { schemaVersion: 1, processes: 'not a list', software: null, extra: deep } } as unknown as Report;
    const fitted = fitReport(odd, 4_000);
    expect(fitted.snapshot).toBeUndefined();
    expect(fitted.truncated?.bytesBefore).toBe(byteSize(odd));
    // A snapshot of a hundred lists: the cuts still fit the wire schema.
    const lists = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`list${i}-${'k'.repeat(300)}`, ['z'.repeat(2000)]]));
    const many = fitReport({ ...report, snapshot: { schemaVersion: 1, lists } } as unknown as Report, 45_000);
    expect(many.snapshot).toBeDefined();
    expect(many.truncated?.cuts).toHaveLength(64);
    expect(many.truncated?.cuts.at(-1)?.path).toBe('other lists');
    expect(many.truncated?.cuts.every((c) => c.path.length <= 200)).toBe(true);
    expect(reportSchema.safeParse(many).success).toBe(true);
  });

  it('the report replacing a refused one keeps its findings and score, names it, and fits the notice budget', () => {
    const report = reportOf(emptySnapshot({ processes: [...bulkProcesses(300), proc({ pid: 9, name: 'anydesk', exe: '/usr/bin/anydesk' })] }));
    const fitted = fitReport(report, reportByteBudget);
    const notice = refusedNotice(fitted, 700_000, 413, new Date('2026-01-01T00:00:00Z'));
    expect(notice.reportId).not.toBe(report.reportId);
    expect(notice.snapshot).toBeUndefined();
    expect(notice.agent.health.refused).toEqual({ reportId: report.reportId, bytes: 700_000, status: 413, collectedAt: report.collectedAt });
    expect(notice.findings).toEqual(report.findings);
    expect([notice.score, notice.level, notice.collectedAt]).toEqual([report.score, report.level, report.collectedAt]);
    expect(cutPaths(notice)).toContain('snapshot');
    expect(byteSize(notice)).toBeLessThanOrEqual(refusedNoticeBudget);
    expect(reportSchema.safeParse(notice).success).toBe(true);
  });
});
