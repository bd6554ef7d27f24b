import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../../schema/snapshot/index.js';
import type { DevicePolicy } from '../../../schema/policy.js';
import type { Report } from '../../../schema/report.js';
import { salvageSnapshot } from '../../../server/verdict/snapshot-salvage.js';
import { serverVerdict } from '../../../server/verdict/verdict.js';
import { emptySnapshot, proc } from '../../helpers/snapshot.js';
import { makeReport } from '../helpers.js';

const at = { collectedAt: '2026-12-03T08:00:00.000Z', agentVersion: '0.1.0' };
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, any>;
const withAnyDesk = () =>
  json(emptySnapshot({ processes: [proc({ pid: 10, name: 'bash', exe: '/bin/bash' }), proc({ pid: 4242, name: 'anydesk', exe: '/usr/bin/anydesk' })] }));

describe('salvageSnapshot', () => {
  it('drops an invalid list entry and keeps the rest', () => {
    const raw = withAnyDesk();
    raw.processes[0].pid = 'x';
    const out = salvageSnapshot(raw, at);
    if ('problem' in out) throw new Error(out.problem);
    expect(out.snapshot.processes?.map((p) => p.name)).toEqual(['anydesk']);
    expect(out.dropped).toEqual(['processes.0']);
  });

  it("gives the snapshot's own bookkeeping neutral values, and removes an invalid field or counts its domain as not collected", () => {
    const raw = withAnyDesk();
    raw.schemaVersion = 2;
    raw.collectors = [];
    raw.locale = { ...(raw.locale ?? {}), utcOffsetMinutes: 'nine hours' };
    const out = salvageSnapshot(raw, at);
    if ('problem' in out) throw new Error(out.problem);
    expect(out.snapshot.schemaVersion).toBe(1);
    expect(out.snapshot.collectors).toEqual({});
    expect(out.dropped).toEqual(expect.arrayContaining(['schemaVersion', 'collectors', 'locale.utcOffsetMinutes']));
    expect(out.snapshot.processes?.map((p) => p.name)).toEqual(['bash', 'anydesk']);
  });

  it('gives up, with a reason, on what is not a snapshot', () => {
    for (const raw of [null, 'snapshot', 42, [1, 2]]) expect(salvageSnapshot(raw, at)).toHaveProperty('problem');
  });

  it('an empty object is a snapshot of nothing collected, every domain named as dropped', () => {
    const out = salvageSnapshot({}, at);
    if ('problem' in out) throw new Error(out.problem);
    expect(out.snapshot.processes).toBeNull();
    expect(out.dropped).toEqual(expect.arrayContaining(['host', 'processes', 'usb']));
  });

  it('property: total: any JSON gives a snapshot that parses, or a problem', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('processes', 'locale', 'usb', 'host', 'schemaVersion', 'errors'), (junk, value, key) => {
        for (const raw of [junk, { ...withAnyDesk(), [key]: value }]) {
          const out = salvageSnapshot(raw, at);
          if ('snapshot' in out) expect(snapshotSchema.safeParse(out.snapshot).success).toBe(true);
          else expect(out.problem).toMatch(/^invalid snapshot/);
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});

describe('the server judges a repaired snapshot', () => {
  const policy: DevicePolicy = { version: 1, expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], weights: {} };
  const thresholds = { scoreMismatchPoints: 30, scoreMismatchLevels: 2 };

  it('one broken field no longer lets the agent stand in for the server: the rest is judged, and the repair is a trace', () => {
    const snapshot = withAnyDesk();
    snapshot.processes[0].pid = 'x';
    const report = makeReport('d1', { score: 0, level: 'none', findings: [], snapshot }) as unknown as Report;
    const verdict = serverVerdict(report, policy, thresholds);
    expect(verdict.findings.map((f) => f.rule)).toContain('remote-access.running');
    expect(verdict.score).toBeGreaterThan(0);
    expect(verdict.implausible?.evidence).toMatchObject({ snapshotProblem: expect.stringContaining('judged without processes.0') });
  });

  it("keeps the agent's findings the repaired snapshot can no longer show", () => {
    const snapshot = withAnyDesk();
    snapshot.processes[1].pid = 'x';
    const anydesk = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 0.95, subject: 'anydesk', evidence: {} };
    const report = makeReport('d1', { score: 60, level: 'high', findings: [anydesk], snapshot }) as unknown as Report;
    const kept = serverVerdict(report, policy, thresholds).findings.find((f) => f.rule === 'remote-access.running');
    expect(kept?.evidence).toMatchObject({ keptFromAgent: expect.stringContaining('the snapshot was invalid') });
  });
});
