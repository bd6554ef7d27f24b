/**
 * The hostile-agent properties, checked at the HTTP boundary for one generated case (scripts/eval/hostile/tamperings.ts):
 *
 *  defined-answer        every request gets a 2xx, or a 4xx with a JSON body naming an `error`: never a 5xx, never a hang
 *  verdict-not-lowered   wherever the laptop's true snapshot reached the server, the device's
 *                        standing.serverScore is at least the honest one (what the same laptop scores when its agent
 *                        is left alone); and once the honest agent reports again, it is at least that too
 *  score-integer         the stored scores (standing.serverScore, device.score) are integers 0–100
 *  alerts-bounded        active alerts naming the device stay ≤ maxActiveAlertsPerDevice
 *  honest-agent-heard    the untampered report after the tampering is accepted (429 counts as throttled, not failed)
 *  re-enrollment-refused re-enrolling an enrolled id never succeeds without an admin's approval
 */
import { generateKeyPairSync } from 'node:crypto';
import { loadSigner } from '../../../agent/signing.js';
import { rules } from '../../../rules/index.js';
import type { Scenario } from '../scenario-corpus.js';
import {
  activeAlertsOf,
  decommission,
  enrollDevice,
  forgetDevice,
  honestReport,
  hostileSecrets,
  postReport,
  send,
  standingOf,
  type Answer,
  type Device,
  type HostileServer,
  type Standing,
} from './harness.js';
import { mutatorOf, newReportId, sequenceOf, type HostileCase, type Step } from './tamperings.js';

export const properties = ['defined-answer', 'verdict-not-lowered', 'score-integer', 'alerts-bounded', 'honest-agent-heard', 're-enrollment-refused'] as const;
export type Property = (typeof properties)[number];

/**
 * One alert per (device, rule) for each endpoint rule the server knows, plus room for the server's own rules about
 * the agent, the fleet and the report's origin (agent.*, fleet.*, geo.*: eleven today). Invented rule ids must
 * not open alerts beyond it.
 */
export const maxActiveAlertsPerDevice = rules.length + 16;

/** How far the server's clock moves before the honest report: past any report time the ±10 min window tolerates. */
export const honestReportAfterMs = 15 * 60_000;

export interface Violation {
  property: Property;
  message: string;
}

export interface CaseOutcome {
  violations: Violation[];
  requests: number;
  throttled: boolean;
  /** Status of each request, in order, for the counterexample. */
  statuses: string[];
}

/** The honest server verdict of each seed scenario, measured once per server by a control device. */
export async function honestScores(s: HostileServer, scenarios: readonly Scenario[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const scenario of scenarios) {
    const device = await enrollDevice(s, `control-${scenario.name}`);
    const answer = await postReport(s.url, device, JSON.stringify(honestReport(device, scenario, new Date(s.now()))));
    if (answer.status !== 202) throw new Error(`control ${scenario.name}: ${answer.status} ${answer.text.slice(0, 300)}`);
    const standing = await standingOf(s.url, device.deviceId);
    if (typeof standing.serverScore !== 'number') throw new Error(`control ${scenario.name}: no server score (${JSON.stringify(standing)})`);
    out.set(scenario.name, standing.serverScore);
    forgetDevice(device);
  }
  return out;
}

function definedAnswer(a: Answer, what: string): Violation[] {
  if (a.failure) return [{ property: 'defined-answer', message: `${what}: no answer (${a.failure})` }];
  if (a.status >= 500 || a.status < 200) return [{ property: 'defined-answer', message: `${what}: HTTP ${a.status} ${a.text.slice(0, 200)}` }];
  if (a.status >= 400) {
    const body = a.body as { error?: unknown } | undefined;
    if (!body || typeof body !== 'object' || typeof body.error !== 'string') return [{ property: 'defined-answer', message: `${what}: HTTP ${a.status} without a JSON error body: ${a.text.slice(0, 200)}` }];
  }
  return [];
}

const isScore = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100;

function scoreChecks(st: Standing, what: string, required: boolean): Violation[] {
  const out: Violation[] = [];
  for (const [name, v] of [['standing.serverScore', st.serverScore], ['device.score', st.deviceScore]] as const) {
    if (v === null && !required) continue;
    if (!isScore(v)) out.push({ property: 'score-integer', message: `${what}: ${name} is ${JSON.stringify(v)}, not an integer 0–100` });
  }
  return out;
}

let caseCounter = 0;

/** Runs one case against the server on a freshly enrolled device; never throws for what the server answers. */
export async function runCase(s: HostileServer, scenarios: ReadonlyMap<string, Scenario>, honest: ReadonlyMap<string, number>, c: HostileCase, sharedReportId: string): Promise<CaseOutcome> {
  const scenario = scenarios.get(c.scenario) as Scenario;
  const clean = scenarios.get('clean-office-laptop') as Scenario;
  const H = honest.get(c.scenario) as number;
  const device: Device = await enrollDevice(s, `hostile-${process.pid}-${++caseCounter}`);
  const violations: Violation[] = [];
  const statuses: string[] = [];
  let requests = 0;
  let throttled = false;
  try {
    const now = s.now();
    // The tampered report: the honest one, then each generated mutation in turn.
    const report = JSON.parse(JSON.stringify(honestReport(device, scenario, new Date(now)))) as Record<string, any>;
    let keepsFacts = true;
    for (const m of c.mutations) {
      const mutator = mutatorOf.get(m.name);
      if (!mutator) throw new Error(`unknown mutator ${m.name}`);
      mutator.apply(report, m.param, { now, sharedReportId });
      keepsFacts &&= mutator.keepsFacts;
    }
    const tampered = JSON.stringify(report);
    const sequence = sequenceOf.get(c.sequence.name);
    if (!sequence) throw new Error(`unknown sequence ${c.sequence.name}`);
    const steps: Step[] = sequence.steps(c.sequence.param, {
      tampered,
      tamperedFacts: keepsFacts ? 'true' : 'decoy',
      fresh: () => JSON.stringify({ ...report, reportId: newReportId() }),
      decoy(ms) {
        const at = new Date(now + ms);
        const d = honestReport(device, clean, Number.isFinite(at.getTime()) ? at : new Date(now)) as Record<string, any>;
        if (!Number.isFinite(at.getTime())) d.collectedAt = '+275760-09-13T00:00:00.000Z';
        return JSON.stringify(d);
      },
      deviceId: device.deviceId,
      publicKey: device.publicKey,
      otherPublicKey: (generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
    });

    const signatures: Record<string, string>[] = [];
    let decoySent = false;
    for (const [i, step] of steps.entries()) {
      requests++;
      if (step.kind === 'enroll') {
        const body = { ...step.body };
        if (body.secret === 'FLEET') body.secret = hostileSecrets.enrollSecret;
        const a = await send(s.url, 'POST', '/api/v1/enroll', { 'content-type': 'application/json', 'x-forwarded-for': device.sourceIp }, JSON.stringify(body));
        statuses.push(`${step.label} ${a.status}`);
        violations.push(...definedAnswer(a, `step ${i} (${step.label})`));
        if (a.status >= 200 && a.status < 300) violations.push({ property: 're-enrollment-refused', message: `step ${i}: re-enrolling ${device.deviceId} answered ${a.status} with no admin approval: ${a.text.slice(0, 200)}` });
        continue;
      }
      let signature: Record<string, string>;
      if (step.reuseSignatureOf !== undefined) signature = signatures[step.reuseSignatureOf] as Record<string, string>;
      else if (step.signShiftMs !== undefined) {
        const shift = step.signShiftMs;
        const signer = await loadSigner(device.stateDir, () => s.now() + shift);
        signature = (signer as NonNullable<typeof signer>)(step.body);
      } else signature = device.signer(step.body);
      signatures[i] = signature;
      const a = await postReport(s.url, device, step.body, signature);
      statuses.push(`${step.label} ${a.status}`);
      violations.push(...definedAnswer(a, `step ${i} (${step.label})`));
      if (a.status === 429) throttled = true;
      if (step.facts === 'decoy') decoySent = true;
      const accepted = a.status === 202;
      if (accepted && step.facts === 'true' && !decoySent) {
        const st = await standingOf(s.url, device.deviceId);
        violations.push(...scoreChecks(st, `after step ${i} (${step.label})`, true));
        if (typeof st.serverScore !== 'number' || !(st.serverScore >= H)) {
          violations.push({ property: 'verdict-not-lowered', message: `after step ${i} (${step.label}, accepted): serverScore ${JSON.stringify(st.serverScore)} < honest ${H}` });
        }
      }
    }

    // The laptop's agent, left alone, reports again later: the server must hear it and judge the truth.
    s.clock.offsetMs += honestReportAfterMs;
    const honestBody = JSON.stringify(honestReport(device, scenario, new Date(s.now())));
    requests++;
    const a = await postReport(s.url, device, honestBody);
    statuses.push(`honest ${a.status}`);
    violations.push(...definedAnswer(a, 'the honest report'));
    if (a.status === 429) throttled = true;
    else if (a.status !== 202 && a.status !== 200) violations.push({ property: 'honest-agent-heard', message: `the honest report after the tampering was answered ${a.status}: ${a.text.slice(0, 200)}` });
    const st = await standingOf(s.url, device.deviceId);
    const heard = a.status === 202;
    violations.push(...scoreChecks(st, 'at the end', heard));
    if (heard && (typeof st.serverScore !== 'number' || !(st.serverScore >= H))) {
      violations.push({ property: 'verdict-not-lowered', message: `after the honest report: serverScore ${JSON.stringify(st.serverScore)} < honest ${H}` });
    }
    const alerts = await activeAlertsOf(s.url, device.deviceId);
    if (alerts.length > maxActiveAlertsPerDevice) {
      const rulesSeen = [...new Set(alerts.map((x) => x.rule))];
      violations.push({ property: 'alerts-bounded', message: `${alerts.length} active alerts name the device (bound ${maxActiveAlertsPerDevice}), rules e.g. ${JSON.stringify(rulesSeen.slice(0, 5)).slice(0, 300)}` });
    }
    const health = await send(s.url, 'GET', '/healthz', {});
    if (health.status !== 200) violations.push({ property: 'defined-answer', message: `/healthz answered ${health.status} ${health.failure ?? ''} after the case` });
    await decommission(s.url, device.deviceId);
  } finally {
    forgetDevice(device);
  }
  return { violations, requests, throttled, statuses };
}

/** A violation as one line for a counterexample. */
export function describeOutcome(o: CaseOutcome): string {
  return `${o.violations.map((v) => `[${v.property}] ${v.message}`).join('; ')} — answers: ${o.statuses.join(', ')}`;
}
