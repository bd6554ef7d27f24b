import { snapshotSchema, type Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot, scoreFindings, type Finding, type RuleContext } from '../../rules/index.js';
import { levels } from '../../rules/types.js';
import type { DevicePolicy } from '../../schema/policy.js';
import type { Report } from '../../schema/report.js';
import type { IgnoredFindings, ServerVerdict } from './types.js';
import { capPerRule } from './finding-cap.js';
import { implausibleFindingsRule, scoreMismatchRule } from './integrity.js';
import { endpointRule } from '../../rules/registry.js';
import { salvageSnapshot } from './snapshot-salvage.js';

export interface MismatchThresholds {
  scoreMismatchPoints: number;
  scoreMismatchLevels: number;
}

/** The invented rule ids an implausible-findings trace names: enough to recognise the agent, bounded. */
const unknownRulesShown = 20;

/** What the server knows in the snapshot's own hashed form: help-desk peer ids keyed as the agent and server key peers. */
export interface HashedPolicy {
  helpdeskPeers?: readonly string[];
}

function ruleContext(policy: DevicePolicy, report: Report, hashed: HashedPolicy): RuleContext {
  return {
    expected: policy.expected,
    allowTools: policy.allowTools,
    latency: { anchors: [] },
    now: new Date(report.collectedAt),
    ...(hashed.helpdeskPeers?.length ? { helpdeskPeers: hashed.helpdeskPeers } : {}),
  };
}

/**
 * Suppression, weight and group as the server's policy and rules say, whatever the agent marked. Only findings of
 * rules the server knows come here. The weight is the policy's, else the rule's own: an agent cannot lower a finding
 * by sending weight 0; the group is the rule's: an agent cannot merge two groups so that only the stronger counts.
 */
function underPolicy(f: Finding, allowed: ReadonlySet<string>, weights: ReadonlyMap<string, number>): Finding {
  const { suppressed: _s, suppressedBy: _b, ...rest } = f;
  const out: Finding = { ...rest };
  const rule = endpointRule(f.rule);
  const weight = weights.get(f.rule) ?? rule?.weight;
  if (weight !== undefined) out.weight = weight;
  if (rule) out.group = rule.group;
  if (f.subject !== undefined && allowed.has(f.subject.toLowerCase())) {
    out.suppressed = true;
    out.suppressedBy = `policy allowTools: ${f.subject}`;
  }
  return out;
}

/**
 * Pure: the server's own verdict on a report. With a snapshot, the endpoint rules run again under the server's
 * policy (the agent's local `allow` and `expected` do not count); findings of rules the server cannot evaluate
 * (drift against the agent's baseline, activity hours) are taken from the agent. Without a snapshot, the agent's
 * findings are re-scored with the policy's allow list and weights; with a trimmed snapshot, the agent's findings the
 * server could not reproduce are kept as well (keptFromAgent). A server score far above the agent's is
 * itself a finding (agent.score-mismatch). Total: any report gives an integer score 0-100; findings of rule ids the
 * server does not know, beyond a rule's cap, or an unjudgeable snapshot are counted (agent.implausible-findings).
 */
export function serverVerdict(report: Report, policy: DevicePolicy, thresholds: MismatchThresholds, hashed: HashedPolicy = {}): ServerVerdict {
  const allowed = new Set(policy.allowTools.map((t) => t.toLowerCase()));
  // Object.entries reads the policy's own keys only; lookups then go through the Map.
  const weights = new Map(Object.entries(policy.weights).filter((e): e is [string, number] => Number.isFinite(e[1])));
  let candidates: Finding[] = report.findings;
  const own = report.snapshot ? ownEvaluation(report.snapshot, policy, report, hashed) : undefined;
  if (own && 'findings' in own) {
    const reproduced = new Set(own.findings.map(sameFinding));
    candidates = strongestOfFloorRules([
      ...own.findings,
      ...report.findings.filter(
        (f) => agentOnly(f.rule) || !endpointRule(f.rule) || serverFloor.has(f.rule) || (readsHashed.has(f.rule) && !reproduced.has(sameFinding(f))),
      ),
    ]);
    if (snapshotTrimmed(report)) candidates.push(...keptFromAgent(report.findings, own.findings, 'the report was truncated: the server could not re-check this finding on the trimmed snapshot'));
    else if (own.repaired) candidates.push(...keptFromAgent(report.findings, own.findings, 'the snapshot was invalid: the server judged it without the parts it could not read'));
  }
  // A rule id the server does not know is the agent's invention (or a newer agent's rule): counted, never scored.
  const unknown = candidates.filter((f) => !endpointRule(f.rule));
  const judged = candidates.filter((f) => endpointRule(f.rule)).map((f) => underPolicy(f, allowed, weights));
  const { kept: findings, overCap } = capPerRule(judged);
  const ignored: IgnoredFindings = {
    unknownRuleFindings: unknown.length,
    unknownRules: [...new Set(unknown.map((f) => String(f.rule)))].slice(0, unknownRulesShown).map((id) => id.slice(0, 128)),
    overCapFindings: overCap,
    ...(own?.problem ? { snapshotProblem: own.problem } : {}),
  };
  const { score, level } = scoreFindings(findings);
  const verdict: ServerVerdict = { score, level, findings, ignored };
  const ignoredCount = ignored.unknownRuleFindings + ignored.overCapFindings;
  if (ignoredCount > 0 || ignored.snapshotProblem) {
    const why = [`${ignored.unknownRuleFindings} of unknown rules`, `${ignored.overCapFindings} over the per-rule cap`, ...(ignored.snapshotProblem ? ['a snapshot the server could not judge'] : [])];
    verdict.implausible = {
      rule: implausibleFindingsRule.id,
      title: `${implausibleFindingsRule.title} (${why.join(', ')})`,
      severity: implausibleFindingsRule.severity,
      confidence: 1,
      weight: 0,
      group: 'agent',
      evidence: { reportId: report.reportId, agentVersion: report.agent.version, ...ignored },
    };
  }
  const levelGap = levels.indexOf(level) - levels.indexOf(report.level);
  if (score - report.score >= thresholds.scoreMismatchPoints || levelGap >= thresholds.scoreMismatchLevels) {
    verdict.mismatch = {
      rule: scoreMismatchRule.id,
      title: `${scoreMismatchRule.title} (agent ${report.score} ${report.level}, server ${score} ${level})`,
      severity: scoreMismatchRule.severity,
      confidence: 1,
      weight: 0,
      group: 'agent',
      evidence: {
        reportId: report.reportId,
        agentScore: report.score,
        agentLevel: report.level,
        serverScore: score,
        serverLevel: level,
        agentPolicyVersion: report.agent.policyVersion ?? null,
        serverPolicyVersion: policy.version,
        serverRules: [...new Set(findings.filter((f) => !f.suppressed && (f.weight ?? 0) > 0).map((f) => f.rule))],
        ignoredFindings: ignoredCount,
      },
    };
  }
  verdict.findings = [...findings, ...(verdict.mismatch ? [verdict.mismatch] : []), ...(verdict.implausible ? [verdict.implausible] : [])];
  return verdict;
}

/** The agent cut lists out of the snapshot to fit the body limit (agent/report-budget.ts): the server sees less than it did. */
const snapshotTrimmed = (report: Report) => (report.truncated?.cuts ?? []).some((c) => c.path.startsWith('snapshot.'));

/**
 * A trimmed snapshot can lack the very process, package or socket a finding rests on, so the server's own evaluation
 * would lose a finding the agent made: its verdict would drop because the report was too large. So, for a truncated
 * report, every agent finding of an endpoint rule that the server did not reproduce (same rule and subject) is kept,
 * its evidence marked. Keeping them can only raise the verdict (weights and the allow list stay the server's), which is
 * why a hostile agent gains nothing by claiming a truncation; the report's `truncated` field stays visible on the device.
 * Chosen over re-evaluating only the untrimmed rules: which rule reads which list is the rules' business, not the server's.
 */
function keptFromAgent(agentFindings: readonly Finding[], own: readonly Finding[], why: string): Finding[] {
  const key = (f: Finding) => `${f.rule}\u0000${f.subject ?? ''}`;
  const reproduced = new Set(own.map(key));
  return agentFindings
    .filter((f) => endpointRule(f.rule) && !agentOnly(f.rule) && !readsHashed.has(f.rule) && !serverFloor.has(f.rule) && !reproduced.has(key(f)))
    .map((f) => ({ ...f, evidence: { ...f.evidence, keptFromAgent: why } }));
}

/**
 * The endpoint rules on the report's snapshot, or why they could not run. A snapshot that fails its schema is repaired
 * as little as needed (server/verdict/snapshot-salvage.ts) and judged on what is left; the agent's findings the server
 * then could not reproduce are kept. A snapshot beyond repair, or that makes a rule throw, leaves the agent's findings
 * to be re-scored. Neither may pass unseen: the problem is kept (bounded) for the implausible-findings trace.
 */
function ownEvaluation(raw: unknown, policy: DevicePolicy, report: Report, hashed: HashedPolicy): { findings?: Finding[]; repaired?: boolean; problem?: string } {
  const parsed = snapshotSchema.safeParse(raw);
  let snapshot: Snapshot;
  let problem: string | undefined;
  if (parsed.success) snapshot = parsed.data;
  else {
    const issue = parsed.error.issues[0];
    problem = `invalid snapshot: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable'}`;
    const salvage = salvageSnapshot(raw, { collectedAt: report.collectedAt, agentVersion: report.agent.version });
    if ('problem' in salvage) return { problem: salvage.problem.slice(0, 300) };
    snapshot = salvage.snapshot;
    problem = `${problem}; judged without ${salvage.dropped.join(', ')}`.slice(0, 300);
  }
  try {
    const findings = evaluateSnapshot(snapshot, ruleContext(policy, report, hashed)).findings.filter((f) => !agentOnly(f.rule));
    return problem ? { findings, repaired: true, problem: problem.slice(0, 300) } : { findings };
  } catch (err) {
    return { problem: `the server's rules failed on the snapshot: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300) };
  }
}

/**
 * Rules the server cannot judge from a report: drift needs the agent's baseline, off-hours its activity history,
 * and the neighbour and latency rules see MACs and anchors that arrive hashed or
 * local. Their findings are the agent's; every other endpoint rule the server runs itself.
 */
const agentOnlyRules = new Set(['activity.off-hours', 'ipkvm.lan-neighbor', 'network.region-latency']);
/**
 * Rules whose facts the snapshot shows but whose confidence grows with a history only the agent keeps: clamshell
 * mode is in the snapshot, how long it has lasted is in the agent's baseline. The server judges the facts itself
 * (a floor the agent cannot lower) and takes the agent's finding when it is stronger.
 */
const serverFloor = new Set(['host.clamshell']);

/** Of the findings of floor rules with the same subject, the strongest: the server's and the agent's are one finding. */
function strongestOfFloorRules(findings: Finding[]): Finding[] {
  const best = new Map<string, Finding>();
  const strength = (f: Finding) => (Number.isFinite(f.confidence) ? f.confidence : 0);
  const out: Finding[] = [];
  for (const f of findings) {
    if (!serverFloor.has(f.rule)) {
      out.push(f);
      continue;
    }
    const key = `${f.rule}\u0000${f.subject ?? ''}`;
    const seen = best.get(key);
    if (!seen || strength(f) > strength(seen)) best.set(key, f);
  }
  return [...out, ...best.values()];
}
const agentOnly = (rule: string) => rule.startsWith('baseline.') || agentOnlyRules.has(rule);
/**
 * Rules that partly read a value the snapshot carries hashed (interface MACs, by default): the server runs them and
 * also keeps each agent finding of theirs it did not reproduce itself, so hashing never costs a finding.
 */
const readsHashed = new Set(['ipkvm.usb-network']);
const sameFinding = (f: Finding) => `${f.rule}\u0000${f.subject ?? ''}\u0000${f.title}`;
