import type { Report } from '../../schema/report.js';
import { agentStoppedRule, agentTamperedRule, reportRefusedRule } from '../../rules/integrity/index.js';

export { agentStoppedRule, agentTamperedRule, clockSkewRule, implausibleFindingsRule, reportRefusedRule, scoreMismatchRule } from '../../rules/integrity/index.js';

/** What the server remembers of a device's previous report, to tell a change. */
export interface IntegrityState {
  configHash: string | null;
  codeHash: string | null;
  policyVersion: number | null;
  agentVersion: string | null;
}

export interface IntegrityDraft {
  rule: string;
  severity: string;
  summary: string;
  evidence: Record<string, unknown>;
}

/**
 * Pure. A config hash that changes while the policy version and the agent version stay the same, or a code hash
 * that changes or disappears under the same agent version, is a change nobody announced: agent.tampered. A report that says
 * the service is stopping: agent.stopped. The first report after enrollment sets the reference.
 */
export function integrityDrafts(previous: IntegrityState | null, report: Report): IntegrityDraft[] {
  const drafts: IntegrityDraft[] = [];
  const agent = report.agent;
  const codeHash = agent.codeHash ?? null;
  const policyVersion = agent.policyVersion ?? null;
  if (previous && previous.agentVersion === agent.version) {
    const changed: string[] = [];
    const evidence: Record<string, unknown> = { reportId: report.reportId, agentVersion: agent.version, policyVersion };
    if (previous.configHash && previous.configHash !== agent.configHash && previous.policyVersion === policyVersion) {
      changed.push('config');
      Object.assign(evidence, { previousConfigHash: previous.configHash, configHash: agent.configHash });
    }
    if (previous.codeHash && codeHash && previous.codeHash !== codeHash) {
      changed.push('code');
      Object.assign(evidence, { previousCodeHash: previous.codeHash, codeHash });
    }
    // A patched agent that simply stops sending its hash must not escape the check the hash exists for.
    if (previous.codeHash && !codeHash) {
      changed.push('code-hash-missing');
      Object.assign(evidence, { previousCodeHash: previous.codeHash, codeHashUnavailable: agent.codeHashUnavailable ?? null });
    }
    if (changed.length) {
      drafts.push({
        rule: agentTamperedRule.id,
        severity: agentTamperedRule.severity,
        summary: `${report.deviceId}: the agent's ${changed.join(' and ')} changed with no policy or agent version change`,
        evidence: { changed, ...evidence },
      });
    }
  }
  if (agent.stopping === true) {
    drafts.push({
      rule: agentStoppedRule.id,
      severity: agentStoppedRule.severity,
      summary: `${report.deviceId}: the agent's service was stopped at ${report.sentAt}`,
      evidence: { reportId: report.reportId, sentAt: report.sentAt, agentVersion: agent.version },
    });
  }
  return drafts;
}

/**
 * Pure. A report naming a refused one raises agent.report-refused, whatever its collection time: the refused report is
 * lost either way (unlike integrityDrafts, which only judge the device's newest report).
 */
export function refusedDrafts(report: Report): IntegrityDraft[] {
  const refused = report.agent.health.refused;
  if (!refused) return [];
  return [
    {
      rule: reportRefusedRule.id,
      severity: reportRefusedRule.severity,
      summary: `${report.deviceId}: the server refused report ${refused.reportId} (${refused.bytes} bytes) with HTTP ${refused.status}; report ${report.reportId} replaced it without its snapshot`,
      evidence: {
        refusedReportId: refused.reportId,
        bytes: refused.bytes,
        status: refused.status,
        ...(refused.collectedAt ? { collectedAt: refused.collectedAt } : {}),
        reportId: report.reportId,
        agentVersion: report.agent.version,
      },
    },
  ];
}
