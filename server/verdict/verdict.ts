import { snapshotSchema } from '../../collectors/snapshot.js';
import { evaluateSnapshot, rules, scoreFindings, type Finding, type RuleContext } from '../../rules/index.js';
import { levels } from '../../rules/types.js';
import type { DevicePolicy } from '../../schema/policy.js';
import type { Report } from '../../schema/report.js';
import type { ServerVerdict } from '../lifecycle/storage-types.js';
import { scoreMismatchRule } from './integrity.js';

export interface MismatchThresholds {
  scoreMismatchPoints: number;
  scoreMismatchLevels: number;
}

function ruleContext(policy: DevicePolicy, report: Report): RuleContext {
  return { expected: policy.expected, allowTools: policy.allowTools, latency: { anchors: [] }, now: new Date(report.collectedAt) };
}

/** Suppression and weight as the server's policy says, whatever the agent marked. */
function underPolicy(f: Finding, allowed: ReadonlySet<string>, weights: Readonly<Record<string, number>>): Finding {
  const { suppressed: _s, suppressedBy: _b, ...rest } = f;
  const out: Finding = { ...rest };
  // The weight is the policy's, else the server's own rule's: an agent cannot lower a finding by sending weight 0.
  const weight = weights[f.rule] ?? ruleWeights.get(f.rule);
  if (weight !== undefined) out.weight = weight;
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
 * findings are re-scored with the policy's allow list and weights. A server score far above the agent's is
 * itself a finding (agent.score-mismatch).
 */
export function serverVerdict(report: Report, policy: DevicePolicy, thresholds: MismatchThresholds): ServerVerdict {
  const allowed = new Set(policy.allowTools.map((t) => t.toLowerCase()));
  let findings: Finding[] = report.findings;
  const snapshot = report.snapshot ? snapshotSchema.safeParse(report.snapshot) : undefined;
  if (snapshot?.success) {
    const own = evaluateSnapshot(snapshot.data, ruleContext(policy, report)).findings.filter((f) => !agentOnly(f.rule));
    const reproduced = new Set(own.map(sameFinding));
    findings = [...own, ...report.findings.filter((f) => agentOnly(f.rule) || !knownRules.has(f.rule) || (readsHashed.has(f.rule) && !reproduced.has(sameFinding(f))))];
  }
  findings = findings.map((f) => underPolicy(f, allowed, policy.weights));
  const { score, level } = scoreFindings(findings);
  const verdict: ServerVerdict = { score, level, findings };
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
      },
    };
    verdict.findings = [...findings, verdict.mismatch];
  }
  return verdict;
}

/**
 * Rules the server cannot judge from a report: drift needs the agent's baseline, off-hours its activity history,
 * clamshell its run of cycles, and the neighbour and latency rules see MACs and anchors that arrive hashed or
 * local. Their findings are the agent's; every other endpoint rule the server runs itself.
 */
const agentOnlyRules = new Set(['activity.off-hours', 'host.clamshell', 'ipkvm.lan-neighbor', 'network.region-latency']);
const agentOnly = (rule: string) => rule.startsWith('baseline.') || agentOnlyRules.has(rule);
/**
 * Rules that partly read a value the snapshot carries hashed (interface MACs, by default): the server runs them and
 * also keeps each agent finding of theirs it did not reproduce itself, so hashing never costs a finding.
 */
const readsHashed = new Set(['ipkvm.usb-network']);
const sameFinding = (f: Finding) => `${f.rule}\u0000${f.subject ?? ''}\u0000${f.title}`;
const knownRules = new Set(rules.map((r) => r.id));
const ruleWeights = new Map(rules.map((r) => [r.id, r.weight]));
