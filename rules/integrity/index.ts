import { declareRule } from '../types.js';

/** Server-side rules about the agent itself: ids are contracts like every rule id (docs/threat-model.md). */
export const agentTamperedRule = declareRule({
  id: 'agent.tampered',
  runs: 'server',
  title: "The agent's config or code changed without a policy or version change",
  description:
    "The agent's config hash changed while the policy and agent versions stayed the same, or its code hash changed or disappeared under the same agent version.",
  severity: 'high',
  attack: ['T1562.001'],
  falsePositives: ['IT edited the local config file by hand or through device management', 'A hot-fixed agent build that kept its version number'],
});
export const agentStoppedRule = declareRule({
  id: 'agent.stopped',
  runs: 'server',
  title: "The agent's service was stopped",
  description: "A report says the agent's service is stopping.",
  severity: 'medium',
  attack: ['T1562.001'],
  falsePositives: ['A shutdown or reboot stops the service too (its reports resume after boot)', 'An upgrade restarting the service'],
});
export const scoreMismatchRule = declareRule({
  id: 'agent.score-mismatch',
  runs: 'server',
  title: "The agent scored itself far below the server's verdict",
  description:
    "The server's own verdict on the report is at least scoreMismatchPoints points or scoreMismatchLevels levels above the score the agent gave itself: an agent under-reporting.",
  severity: 'high',
  attack: ['T1562.001'],
  falsePositives: ['An agent that has not yet received the current policy (its report names an older policy version)'],
});

export const implausibleFindingsRule = declareRule({
  id: 'agent.implausible-findings',
  runs: 'server',
  title: 'The agent sent findings no farmwatch agent of this server sends',
  description:
    'The report carries findings of rule ids the server does not know, more findings of one rule than its cap, or a snapshot the server cannot judge.',
  severity: 'medium',
  attack: 'none',
  attackNone: 'Forged or malformed reports from an agent; no technique describes them (a modified agent raises agent.tampered)',
  falsePositives: ['An agent newer than the server, with rules the server does not know yet: upgrade the server first'],
});

/**
 * A report whose times are off the server's clock: a signature refused for clock skew, a sentAt beyond the allowed
 * skew, a collection time in the future or a next-report promise beyond the policy. The server already judges such a
 * report by its own clock (server/verdict/report-times.ts); this rule leaves the trace. It opens at `low` (a
 * dual-boot laptop keeps its hardware clock in local time, a dead clock battery resets it: time sync fixes both
 * within minutes). It turns tamper-class (`high`) when the times are still off in a report or refusal
 * `persistHours` or more after the first one with no report in sync between them: with reports every few minutes
 * that is dozens of consecutive skewed reports, which no clock fault that time sync repairs explains.
 */
export const clockSkewRule = declareRule({
  id: 'agent.clock-skew',
  runs: 'server',
  title: "The laptop's clock or report times are off the server's clock",
  description:
    'A signature refused for clock skew, a sentAt beyond the allowed skew, a collection time in the future or a next-report promise beyond the policy; tamper-class (high) when it persists persistHours with no report in sync.',
  severity: 'low',
  attack: 'none',
  attackNone: 'A clock off the server is a fault or a manipulation of report times; T1070.006 (Timestomp) is about file times, not this',
  tamperSeverity: 'high',
  persistHours: 6,
  falsePositives: [
    'A dual-boot laptop whose other system keeps the hardware clock in local time (until time sync runs)',
    'A dead clock battery resetting the clock at boot (until time sync runs)',
    'A network that blocks NTP, so the laptop never syncs (tamper-class after persistHours)',
  ],
});

/**
 * A report the server refused as too large (HTTP 413) and the agent named in its next report (`agent.health.refused`).
 * The agent trims its reports to fit the server's body limit, so a refusal means a proxy with a lower limit, an
 * agent without that trimming, or a report inflated on purpose; either way a report was lost and the SOC should know.
 */
export const reportRefusedRule = declareRule({
  id: 'agent.report-refused',
  runs: 'server',
  title: 'The server refused a report of this device as too large',
  description:
    'A report names an earlier report the server refused as too large (HTTP 413).',
  severity: 'medium',
  attack: 'none',
  attackNone: 'A lost report is a delivery fault or an inflated report; no technique describes it',
  falsePositives: [
    'A reverse proxy in front of the server with a body limit below 1 MiB (set report.maxBytes on the agents below it)',
    'An older agent that did not yet trim its reports to the body limit',
  ],
});

