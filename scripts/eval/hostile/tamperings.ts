/**
 * The table of tamperings: what the laptop's own user controls in a report, as fast-check generators. Each entry is
 * data (its name and a generated parameter) so that a counterexample prints readably and shrinks.
 *
 *  - A *mutator* changes values of the one tampered report (times, ids, rule ids, keys, weights, sizes, order).
 *    `keepsFacts` says the report still carries the laptop's true snapshot (every fact the server needs to judge).
 *  - A *sequence* sends requests around the tampered report (replays, floods, decoys, re-enrollment, signing time).
 *
 * To add a tampering, add a row to `mutators` or `sequences`; the property suite picks it up.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Scenario } from '../scenario-corpus.js';

type Json = Record<string, any>;

export interface Mutator<P = any> {
  name: string;
  param: fc.Arbitrary<P>;
  /** False when the mutation removes or falsifies facts of the snapshot (the server may then be told less). */
  keepsFacts: boolean;
  apply(report: Json, p: P, ctx: MutationContext): void;
}

export interface MutationContext {
  now: number;
  /** The report id every case may reuse: a collision across devices and cases. */
  sharedReportId: string;
}

/** Object keys that are special to JavaScript objects, or hard on storage and logs. */
export const hostileKeys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'x'.repeat(5000), '规则.🚨', 'a\u0000b', '', ' '];

const year = 365 * 24 * 3600_000;
/** Offsets around the ±10 min window the server allows, and far beyond it both ways. */
export const timeOffsets = [0, -1000, 9 * 60_000, -9 * 60_000, 11 * 60_000, -11 * 60_000, 24 * 3600_000, -24 * 3600_000, year, -year, 10 * year, -10 * year, 100 * year, 7000 * year];
const offset = fc.oneof(fc.constantFrom(...timeOffsets), fc.integer({ min: -20 * year, max: 20 * year }));

/** An ISO time `ms` from now; years past 9999 come out in the extended form (+010000-...), which the schema refuses. */
function isoAt(now: number, ms: number): string {
  const t = now + ms;
  return Number.isFinite(new Date(t).getTime()) ? new Date(t).toISOString() : '+275760-09-13T00:00:00.000Z';
}

/** Mostly values the schema accepts (so the report is judged), sometimes values it must refuse. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: invalid, weight: 1 });

const ruleId = fc.oneof(
  fc.constantFrom(...hostileKeys, 'remote-access.running', 'agent.score-mismatch', 'fleet.colocation', 'REMOTE-ACCESS.RUNNING', 'remote-access.running ', 'locale.timezone'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const inUnit = fc.oneof(fc.constantFrom(0, 1e-12, 0.5, 1, -0), fc.double({ min: 0, max: 1, noNaN: true }));
const outOfUnit = fc.oneof(fc.constantFrom(-1, 1.0000001, 2, 1e308, -1e308), fc.double({ noNaN: true }));
const weightValue = mostly(inUnit, outOfUnit);
const unitValue = mostly(inUnit, outOfUnit);

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** An object whose own keys include `__proto__` (JSON.parse makes it an own property, as the server's parser sees it). */
function objectWithKeys(keys: string[], value: unknown): Json {
  return JSON.parse(`{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(value)}`).join(',')}}`) as Json;
}

export const mutators: Mutator[] = [
  {
    name: 'collectedAt',
    param: fc.record({ ms: offset, alsoSnapshot: fc.boolean() }),
    keepsFacts: true,
    apply(r, p, c) {
      r.collectedAt = isoAt(c.now, p.ms);
      if (p.alsoSnapshot && r.snapshot) r.snapshot.collectedAt = r.collectedAt;
    },
  },
  { name: 'sentAt', param: offset, keepsFacts: true, apply: (r, ms, c) => void (r.sentAt = isoAt(c.now, ms)) },
  { name: 'nextReportBy', param: offset, keepsFacts: true, apply: (r, ms, c) => void (r.nextReportBy = isoAt(c.now, ms)) },
  {
    name: 'timeFormat',
    param: fc.constantFrom('2026-12-03T07:00:00+14:00', '2026-12-03T07:00:00-12:00', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-30T00:00:00Z', '2026-12-03T07:00:00.123456789Z'),
    keepsFacts: true,
    apply: (r, t) => void (r.collectedAt = t),
  },
  {
    name: 'agentScore',
    param: fc.record({
      score: mostly(fc.constantFrom(0, 1, 9, 29, 100), fc.constantFrom(-1, 101, 50.5, 1e308)),
      level: mostly(fc.constantFrom('none', 'low', 'medium', 'critical'), fc.constantFrom('bogus', '__proto__')),
    }),
    keepsFacts: true,
    apply(r, p) {
      r.score = p.score;
      r.level = p.level;
    },
  },
  {
    name: 'findingValues',
    param: fc.record({
      weight: fc.option(weightValue),
      confidence: fc.option(unitValue),
      suppressed: fc.option(fc.boolean()),
      severity: fc.option(mostly(fc.constantFrom('info', 'low', 'critical'), fc.constant('bogus'))),
      group: fc.option(fc.constantFrom(...hostileKeys, 'remote-access', 'locale')),
      subject: fc.option(fc.constantFrom('teamviewer', 'TeamViewer', '__proto__', 'anydesk')),
    }),
    keepsFacts: true,
    apply(r, p) {
      for (const f of r.findings as Json[]) {
        if (p.weight !== null) f.weight = p.weight;
        if (p.confidence !== null) f.confidence = p.confidence;
        if (p.suppressed !== null) Object.assign(f, { suppressed: p.suppressed, suppressedBy: 'allow.tools: hostile' });
        if (p.severity !== null) f.severity = p.severity;
        if (p.group !== null) f.group = p.group;
        if (p.subject !== null) f.subject = p.subject;
      }
    },
  },
  {
    name: 'inventedRules',
    param: fc.record({ ids: fc.array(ruleId, { minLength: 1, maxLength: 8 }), count: mostly(fc.constantFrom(1, 10, 200, 900), fc.constantFrom(1001, 5000)), weight: weightValue, confidence: unitValue }),
    keepsFacts: true,
    apply(r, p) {
      const added = Array.from({ length: p.count }, (_, i) => ({
        // The generated ids first, then numbered variants of them: `count` distinct ids in all.
        rule: i < p.ids.length ? (p.ids[i] as string) : `${p.ids[i % p.ids.length] as string}.${i}`,
        title: 'invented',
        severity: 'critical',
        confidence: p.confidence,
        weight: p.weight,
        group: p.ids[i % p.ids.length],
        evidence: {},
      }));
      r.findings = [...(r.findings as Json[]), ...added];
    },
  },
  {
    name: 'hostileObjectKeys',
    param: fc.record({ keys: fc.subarray(hostileKeys, { minLength: 1 }), where: fc.constantFrom('report', 'agent', 'identity', 'evidence', 'snapshot', 'health', 'process') }),
    keepsFacts: true,
    apply(r, p) {
      const extra = objectWithKeys(p.keys, { polluted: true, score: 0 });
      const target =
        p.where === 'report' ? r
        : p.where === 'agent' ? r.agent
        : p.where === 'identity' ? r.identity
        : p.where === 'health' ? r.agent.health
        : p.where === 'evidence' ? (r.findings as Json[])[0]?.evidence
        : p.where === 'snapshot' ? r.snapshot
        : r.snapshot?.processes?.[0];
      if (target) for (const k of Object.keys(extra)) Object.defineProperty(target, k, { value: extra[k], enumerable: true, configurable: true, writable: true });
    },
  },
  {
    name: 'manyProcesses',
    param: fc.constantFrom(100, 2000, 8000, 20000),
    keepsFacts: true,
    apply(r, n) {
      if (!r.snapshot?.processes) return;
      const more = Array.from({ length: n }, (_, i) => ({ pid: 100_000 + i, ppid: 1, name: `worker-${i}`, exe: `/usr/lib/worker/worker-${i}`, user: 'alice' }));
      r.snapshot.processes = [...(r.snapshot.processes as Json[]), ...more];
    },
  },
  {
    name: 'reorder',
    param: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    keepsFacts: true,
    apply(r, seed) {
      r.findings = shuffle(r.findings as Json[], seed);
      const s = r.snapshot;
      if (s?.processes) s.processes = shuffle(s.processes as Json[], seed + 1);
      if (s?.usb?.devices) s.usb.devices = shuffle(s.usb.devices as Json[], seed + 2);
      if (s?.network?.connections) s.network.connections = shuffle(s.network.connections as Json[], seed + 3);
    },
  },
  {
    name: 'duplicates',
    param: fc.integer({ min: 2, max: 400 }),
    keepsFacts: true,
    apply(r, k) {
      r.findings = (r.findings as Json[]).flatMap((f) => Array.from({ length: k }, () => ({ ...f })));
      if (r.snapshot?.usb?.devices) r.snapshot.usb.devices = (r.snapshot.usb.devices as Json[]).flatMap((d) => [d, { ...d }]);
    },
  },
  {
    name: 'brokenSnapshot',
    param: fc.constantFrom('pid-string', 'schemaVersion-2', 'collectors-array', 'locale-number'),
    keepsFacts: true,
    apply(r, how) {
      const s = r.snapshot;
      if (!s) return;
      if (how === 'pid-string' && s.processes?.[0]) s.processes[0].pid = 'x';
      if (how === 'schemaVersion-2') s.schemaVersion = 2;
      if (how === 'collectors-array') s.collectors = [];
      if (how === 'locale-number' && s.locale) s.locale.utcOffsetMinutes = 'nine hours';
    },
  },
  {
    name: 'identity',
    param: fc.constantFrom('America/New_York', '', 'x'.repeat(5000), '__proto__'),
    keepsFacts: true,
    apply: (r, tz) => void (r.identity.timezone = tz),
  },
  {
    name: 'reportId',
    param: fc.constantFrom('nil', 'shared', 'not-a-uuid', 'upper'),
    keepsFacts: true,
    apply(r, how, c) {
      if (how === 'nil') r.reportId = '00000000-0000-0000-0000-000000000000';
      if (how === 'shared') r.reportId = c.sharedReportId;
      if (how === 'not-a-uuid') r.reportId = 'report-1';
      if (how === 'upper') r.reportId = String(r.reportId).toUpperCase();
    },
  },
  {
    name: 'deviceId',
    param: fc.constantFrom('other', 'x'.repeat(129), 'ünïcødé-💻', '__proto__', ''),
    keepsFacts: true,
    apply: (r, id) => void (r.deviceId = id === 'other' ? `${String(r.deviceId)}-other` : id),
  },
  {
    name: 'agentBlock',
    param: fc.record({
      configHash: fc.option(mostly(fc.constantFrom('', 'changed'), fc.constant('x'.repeat(129)))),
      codeHash: fc.option(fc.constantFrom('', 'changed')),
      policyVersion: fc.option(mostly(fc.constantFrom(0, 999_999), fc.constantFrom(-1, 1.5))),
      version: fc.option(fc.constantFrom('9.9.9', '', '__proto__')),
      stopping: fc.option(fc.boolean()),
    }),
    keepsFacts: true,
    apply(r, p) {
      if (p.configHash !== null) r.agent.configHash = p.configHash;
      if (p.codeHash !== null) r.agent.codeHash = p.codeHash;
      if (p.policyVersion !== null) r.agent.policyVersion = p.policyVersion;
      if (p.version !== null) r.agent.version = p.version;
      if (p.stopping !== null) r.agent.stopping = p.stopping;
    },
  },
  {
    // The decoy that any patched agent can send: an honest limit (docs/threat-model.md), so facts are not kept.
    name: 'dropSnapshotAndFindings',
    param: fc.constant(null),
    keepsFacts: false,
    apply(r) {
      delete r.snapshot;
      r.findings = [];
      r.score = 0;
      r.level = 'none';
    },
  },
];

/** One request of a case. */
export type Step =
  | { kind: 'report'; body: string; facts: 'true' | 'decoy'; signShiftMs?: number; reuseSignatureOf?: number; label: string }
  | { kind: 'enroll'; body: Json; label: string };

export interface SequenceContext {
  /** The tampered report as the wire text. */
  tampered: string;
  tamperedFacts: 'true' | 'decoy';
  /** The same report with a fresh reportId (for floods). */
  fresh(): string;
  /** A clean laptop's report (no findings), collected `ms` from now: what a patched agent would send to look innocent. */
  decoy(ms: number): string;
  deviceId: string;
  publicKey: string;
  otherPublicKey: string;
}

export interface Sequence<P = any> {
  name: string;
  param: fc.Arbitrary<P>;
  steps(p: P, c: SequenceContext): Step[];
}

const tamperedStep = (c: SequenceContext, extra: Partial<Extract<Step, { kind: 'report' }>> = {}): Step => ({ kind: 'report', body: c.tampered, facts: c.tamperedFacts, label: 'tampered', ...extra });

export const sequences: Sequence[] = [
  { name: 'once', param: fc.constant(null), steps: (_p, c) => [tamperedStep(c)] },
  {
    name: 'replaySameSignature',
    param: fc.integer({ min: 1, max: 5 }),
    steps: (n, c) => [tamperedStep(c), ...Array.from({ length: n }, (): Step => ({ kind: 'report', body: c.tampered, facts: c.tamperedFacts, reuseSignatureOf: 0, label: 'replay' }))],
  },
  { name: 'resendFreshSignature', param: fc.constant(null), steps: (_p, c) => [tamperedStep(c), tamperedStep(c, { label: 'resend' })] },
  {
    name: 'signingClock',
    param: fc.constantFrom(...timeOffsets.filter((t) => Math.abs(t) < 1000 * year)),
    steps: (ms, c) => [tamperedStep(c, { signShiftMs: ms })],
  },
  {
    name: 'flood',
    param: fc.integer({ min: 5, max: 40 }),
    steps: (n, c) => Array.from({ length: n }, (_, i): Step => ({ kind: 'report', body: i === 0 ? c.tampered : c.fresh(), facts: c.tamperedFacts, label: `flood ${i}` })),
  },
  {
    name: 'decoyBefore',
    param: fc.constantFrom(...timeOffsets),
    steps: (ms, c) => [{ kind: 'report', body: c.decoy(ms), facts: 'decoy', label: `decoy collected ${ms} ms from now` }, tamperedStep(c)],
  },
  {
    name: 'reenroll',
    param: fc.record({ key: fc.constantFrom('same', 'other', 'none'), hardwareId: fc.option(fc.constantFrom('a'.repeat(64), 'To be filled by O.E.M.')), secret: fc.constantFrom('fleet', 'wrong', 'missing') }),
    steps(p, c) {
      const body: Json = { deviceId: c.deviceId, hostname: `${c.deviceId}.local`, platform: 'linux', agentVersion: '0.1.0' };
      if (p.key === 'same') body.publicKey = c.publicKey;
      if (p.key === 'other') body.publicKey = c.otherPublicKey;
      if (p.hardwareId !== null) body.hardwareId = p.hardwareId;
      if (p.secret === 'fleet') body.secret = 'FLEET';
      if (p.secret === 'wrong') body.secret = 'not-the-secret-0123456789';
      return [{ kind: 'enroll', body, label: 're-enroll' }, tamperedStep(c)];
    },
  },
];

/** A generated case: which honest laptop, which mutations of its report, which sequence of requests. */
export interface HostileCase {
  scenario: string;
  mutations: { name: string; param: unknown }[];
  sequence: { name: string; param: unknown };
}

export function caseArbitrary(scenarios: readonly Scenario[]): fc.Arbitrary<HostileCase> {
  const mutation = fc.oneof(...mutators.map((m) => m.param.map((param) => ({ name: m.name, param }))));
  // A single send is the common case: it is where each value tampering is judged on its own.
  const sequence = fc.oneof(...sequences.map((s) => ({ arbitrary: s.param.map((param) => ({ name: s.name, param })), weight: s.name === 'once' ? 4 : 1 })));
  return fc.record({
    scenario: fc.constantFrom(...scenarios.map((s) => s.name)),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 2 }),
    sequence,
  });
}

export const mutatorOf = new Map(mutators.map((m) => [m.name, m]));
export const sequenceOf = new Map(sequences.map((s) => [s.name, s]));
export const newReportId = (): string => randomUUID();

const once = { name: 'once', param: null };
/**
 * Named cases that run before the generated ones, every time: the attacks this suite was written against, so that
 * each stays covered whatever the seed draws.
 */
export const knownAttacks: { why: string; case: HostileCase }[] = [
  { why: 'a decoy collected ten years ahead freezes the device on it', case: { scenario: 'pikvm', mutations: [], sequence: { name: 'decoyBefore', param: 10 * year } } },
  { why: 'nextReportBy a century ahead', case: { scenario: 'pikvm', mutations: [{ name: 'nextReportBy', param: 100 * year }], sequence: once } },
  { why: 'rule id __proto__', case: { scenario: 'pikvm', mutations: [{ name: 'inventedRules', param: { ids: ['__proto__'], count: 1, weight: 0.5, confidence: 1 } }], sequence: once } },
  { why: 'rule id constructor', case: { scenario: 'anydesk-astrill-pyongyang', mutations: [{ name: 'inventedRules', param: { ids: ['constructor'], count: 1, weight: 0.5, confidence: 1 } }], sequence: once } },
  { why: '900 invented rule ids in one report', case: { scenario: 'pikvm', mutations: [{ name: 'inventedRules', param: { ids: ['invented'], count: 900, weight: 0.5, confidence: 1 } }], sequence: once } },
  { why: 'a report over the body limit', case: { scenario: 'pikvm', mutations: [{ name: 'manyProcesses', param: 20000 }], sequence: once } },
  {
    why: 'a snapshot the server cannot parse, and findings at confidence 0',
    case: { scenario: 'pikvm', mutations: [{ name: 'brokenSnapshot', param: 'pid-string' }, { name: 'findingValues', param: { weight: null, confidence: 0, suppressed: null, severity: null, group: null, subject: null } }], sequence: once },
  },
  {
    why: 'findings the server takes from the agent (host.clamshell here) at confidence 0',
    case: { scenario: 'pikvm', mutations: [{ name: 'findingValues', param: { weight: null, confidence: 0, suppressed: null, severity: null, group: null, subject: null } }], sequence: once },
  },
  { why: 're-enrollment under the same id with the fleet secret', case: { scenario: 'pikvm', mutations: [], sequence: { name: 'reenroll', param: { key: 'other', hardwareId: null, secret: 'fleet' } } } },
  { why: 'signed 11 minutes ahead', case: { scenario: 'pikvm', mutations: [], sequence: { name: 'signingClock', param: 11 * 60_000 } } },
  { why: 'a replayed signature', case: { scenario: 'pikvm', mutations: [], sequence: { name: 'replaySameSignature', param: 2 } } },
  { why: 'a burst of 40 reports', case: { scenario: 'pikvm', mutations: [], sequence: { name: 'flood', param: 40 } } },
];
