import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rules, scoreFindings, type Finding } from '../../../rules/index.js';
import { levels } from '../../../rules/types.js';
import type { DevicePolicy } from '../../../schema/policy.js';
import type { Report } from '../../../schema/report.js';
import { boundDeviceAlerts, deviceAlertDrafts, type DeviceAlertDraft } from '../../../server/device-alerts.js';
import { capPerRule, findingsPerRuleCap } from '../../../server/verdict/finding-cap.js';
import { serverVerdict } from '../../../server/verdict/verdict.js';
import { verdictAlertDrafts } from '../../../server/verdict/verdict-alerts.js';
import { makeReport } from '../helpers.js';

const policy = (weights: Record<string, number> = {}): DevicePolicy => ({
  version: 1,
  expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] },
  allowTools: [],
  weights,
});
const thresholds = { scoreMismatchPoints: 30, scoreMismatchLevels: 2 };
const report = (findings: unknown[], extra: Record<string, unknown> = {}) => makeReport('d1', { score: 0, level: 'none', findings, ...extra }) as unknown as Report;
const finding = (rule: string, extra: Record<string, unknown> = {}): Finding => ({ rule, title: rule, severity: 'high', confidence: 0.95, evidence: {}, ...extra }) as Finding;

const knownIds = rules.map((r) => r.id);
const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
const ruleId = fc.oneof(fc.constantFrom(...knownIds), fc.constantFrom(...prototypeNames), fc.string({ maxLength: 40 }));
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity), fc.double({ min: 0, max: 1, noNaN: true }));

describe('serverVerdict is total', () => {
  it('property: for arbitrary rule ids, weights and confidences the score is an integer 0-100 and the level one of five', () => {
    const arbFinding = fc.record({
      rule: ruleId,
      title: fc.string({ maxLength: 10 }),
      severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical'),
      confidence: anyNumber,
      weight: fc.option(anyNumber, { nil: undefined }),
      group: fc.option(ruleId, { nil: undefined }),
      subject: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
      suppressed: fc.option(fc.boolean(), { nil: undefined }),
      evidence: fc.constant({}),
    });
    const weights = fc.dictionary(ruleId, anyNumber, { maxKeys: 8 });
    fc.assert(
      fc.property(fc.array(arbFinding, { maxLength: 60 }), weights, (findings, w) => {
        const v = serverVerdict(report(findings), policy(w), thresholds);
        expect(Number.isInteger(v.score)).toBe(true);
        expect(v.score).toBeGreaterThanOrEqual(0);
        expect(v.score).toBeLessThanOrEqual(100);
        expect(levels).toContain(v.level);
        // Every counted finding is of a rule the server knows; the rest are counted.
        const counted = v.findings.filter((f) => !f.rule.startsWith('agent.'));
        expect(counted.every((f) => knownIds.includes(f.rule))).toBe(true);
        expect((v.ignored?.unknownRuleFindings ?? 0) + counted.length + (v.ignored?.overCapFindings ?? 0)).toBe(findings.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('prototype-named rule ids and policy weights neither score nor poison the score; the trace names them', () => {
    const findings = [finding('remote-access.running', { subject: 'anydesk' }), ...prototypeNames.map((rule) => finding(rule, { weight: 1 }))];
    const v = serverVerdict(report(findings), policy({ 'locale.timezone': 0.5 }), thresholds);
    expect(v).toMatchObject({ score: 57, level: 'medium', ignored: { unknownRuleFindings: prototypeNames.length, overCapFindings: 0 } });
    expect(v.mismatch?.evidence).toMatchObject({ serverScore: 57, ignoredFindings: prototypeNames.length });
    expect(v.implausible?.rule).toBe('agent.implausible-findings');
    expect(verdictAlertDrafts(report(findings), v).map((d) => d.rule)).toEqual(['agent.score-mismatch', 'agent.implausible-findings']);
  });

  it('an honest report leaves no implausible-findings trace', () => {
    const v = serverVerdict(report([finding('remote-access.running', { subject: 'anydesk' })], { score: 57, level: 'medium' }), policy(), thresholds);
    expect(v.implausible).toBeUndefined();
    expect(v.ignored).toEqual({ unknownRuleFindings: 0, unknownRules: [], overCapFindings: 0 });
    expect(verdictAlertDrafts(report([]), v)).toEqual([]);
  });

  it('a snapshot that does not parse leaves a trace naming why; the agent\'s findings are re-scored', () => {
    const v = serverVerdict(report([finding('remote-access.running', { subject: 'anydesk' })], { snapshot: { schemaVersion: 1, os: 7 } }), policy(), thresholds);
    expect(v.score).toBe(57);
    expect(v.ignored?.snapshotProblem).toMatch(/^invalid snapshot: /);
    expect(v.implausible?.evidence).toMatchObject({ snapshotProblem: v.ignored?.snapshotProblem });
  });

  it('the trace names at most 20 invented ids, each cut to 128 characters', () => {
    const findings = Array.from({ length: 300 }, (_, i) => finding(`${'x'.repeat(500)}${i}`));
    const v = serverVerdict(report(findings), policy(), thresholds);
    expect(v.ignored?.unknownRuleFindings).toBe(300);
    expect(v.ignored?.unknownRules).toHaveLength(20);
    expect(v.ignored?.unknownRules.every((id) => id.length === 128)).toBe(true);
  });
});

describe('capPerRule', () => {
  it('property: keeping the strongest findings per rule never changes the score', () => {
    const arb = fc.array(
      fc.record({ rule: fc.constantFrom('a', 'b', 'c'), confidence: fc.double({ min: 0, max: 1, noNaN: true }), weight: fc.double({ min: 0, max: 1, noNaN: true }), suppressed: fc.boolean() }),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 10 }), (raw, cap) => {
        const findings = raw.map((r) => finding(r.rule, r));
        const { kept, overCap } = capPerRule(findings, cap);
        expect(kept.length + overCap).toBe(findings.length);
        expect(scoreFindings(kept).score).toBe(scoreFindings(findings).score);
        for (const rule of ['a', 'b', 'c']) expect(kept.filter((f) => f.rule === rule).length).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it(`keeps ${findingsPerRuleCap} of a rule by default, in report order`, () => {
    const findings = Array.from({ length: 100 }, (_, i) => finding('ipkvm.usb', { weight: 0.95, confidence: i / 100, subject: `k${i}` }));
    const { kept, overCap } = capPerRule(findings);
    expect(overCap).toBe(100 - findingsPerRuleCap);
    expect(kept.map((f) => f.subject)).toEqual(findings.slice(100 - findingsPerRuleCap).map((f) => f.subject));
  });
});

describe('device alerts', () => {
  it('only rules the server knows draft an alert, one per rule', () => {
    const r = report([finding('remote-access.running'), finding('remote-access.running', { subject: 'x' }), finding('constructor'), finding('invented.rule'), finding('agent.score-mismatch')], { level: 'high' });
    expect(deviceAlertDrafts(r).map((d) => d.rule)).toEqual(['remote-access.running']);
  });

  const draft = (rule: string, severity: string): DeviceAlertDraft => ({ rule, severity, summary: rule, evidence: {} });

  it('the cap lets updates through and opens the most severe new alerts first', () => {
    const drafts = [draft('a', 'low'), draft('b', 'critical'), draft('c', 'high'), draft('d', 'high')];
    expect(boundDeviceAlerts(drafts, new Set(), 2)).toEqual({ write: [drafts[1], drafts[2]], withheld: [drafts[3], drafts[0]] });
    expect(boundDeviceAlerts(drafts, new Set(['a', 'x']), 3)).toEqual({ write: [drafts[0], drafts[1]], withheld: [drafts[2], drafts[3]] });
    // A bad cap is the default (16), never "no cap" nor a crash.
    expect(boundDeviceAlerts(drafts, new Set(), Number.NaN).write).toHaveLength(4);
  });

  it('property: never more open than the cap, unless they were open already; nothing lost', () => {
    const arb = fc.record({
      drafts: fc.uniqueArray(fc.record({ rule: fc.string({ maxLength: 3 }), severity: fc.constantFrom('info', 'low', 'medium', 'high', 'critical') }), { selector: (d) => d.rule, maxLength: 30 }),
      open: fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 30 }),
      cap: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(arb, ({ drafts, open, cap }) => {
        const openRules = new Set(open);
        const full = drafts.map((d) => draft(d.rule, d.severity));
        const { write, withheld } = boundDeviceAlerts(full, openRules, cap);
        expect(write.length + withheld.length).toBe(full.length);
        const opened = write.filter((d) => !openRules.has(d.rule)).length;
        expect(opened).toBeLessThanOrEqual(Math.max(0, cap - openRules.size));
        expect(withheld.every((d) => !openRules.has(d.rule))).toBe(true);
      }),
    );
  });
});
