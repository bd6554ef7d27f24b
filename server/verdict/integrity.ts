import type { Report } from '../../schema/report.js';

/** Server-side rules about the agent itself: ids are contracts like every rule id (docs/threat-model.md). */
export const agentTamperedRule = {
  id: 'agent.tampered',
  title: "The agent's config or code changed without a policy or version change",
  severity: 'high',
  falsePositives: ['IT edited the local config file by hand or through device management', 'A hot-fixed agent build that kept its version number'],
} as const;
export const agentStoppedRule = {
  id: 'agent.stopped',
  title: "The agent's service was stopped",
  severity: 'medium',
  falsePositives: ['A shutdown or reboot stops the service too (its reports resume after boot)', 'An upgrade restarting the service'],
} as const;
export const scoreMismatchRule = {
  id: 'agent.score-mismatch',
  title: "The agent scored itself far below the server's verdict",
  severity: 'high',
  falsePositives: ['An agent that has not yet received the current policy (its report names an older policy version)'],
} as const;

export const implausibleFindingsRule = {
  id: 'agent.implausible-findings',
  title: 'The agent sent findings no farmwatch agent of this server sends',
  severity: 'medium',
  falsePositives: ['An agent newer than the server, with rules the server does not know yet: upgrade the server first'],
} as const;

/**
 * A report whose times are off the server's clock: a signature refused for clock skew, a sentAt beyond the allowed
 * skew, a collection time in the future or a next-report promise beyond the policy. The server already judges such a
 * report by its own clock (server/verdict/report-times.ts); this rule leaves the trace. It opens at `low` (a
 * dual-boot laptop keeps its hardware clock in local time, a dead clock battery resets it: time sync fixes both
 * within minutes). It turns tamper-class (`high`) when the times are still off in a report or refusal
 * `persistHours` or more after the first one with no report in sync between them: with reports every few minutes
 * that is dozens of consecutive skewed reports, which no clock fault that time sync repairs explains.
 */
export const clockSkewRule = {
  id: 'agent.clock-skew',
  title: "The laptop's clock or report times are off the server's clock",
  severity: 'low',
  tamperSeverity: 'high',
  persistHours: 6,
  falsePositives: [
    'A dual-boot laptop whose other system keeps the hardware clock in local time (until time sync runs)',
    'A dead clock battery resetting the clock at boot (until time sync runs)',
    'A network that blocks NTP, so the laptop never syncs (tamper-class after persistHours)',
  ],
} as const;

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
 * A report the server refused as too large (HTTP 413) and the agent named in its next report (`agent.health.refused`).
 * The agent trims its reports to fit the server's body limit, so a refusal means a proxy with a lower limit, an
 * agent without that trimming, or a report inflated on purpose; either way a report was lost and the SOC should know.
 */
export const reportRefusedRule = {
  id: 'agent.report-refused',
  title: 'The server refused a report of this device as too large',
  severity: 'medium',
  attack: [] as readonly string[],
  falsePositives: [
    'A reverse proxy in front of the server with a body limit below 1 MiB (set report.maxBytes on the agents below it)',
    'An older agent that did not yet trim its reports to the body limit',
  ],
} as const;

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
