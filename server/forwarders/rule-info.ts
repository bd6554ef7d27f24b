import { rules } from '../../rules/index.js';
import { colocationRule, neighborDevicesRule, rareToolRule, sharedFingerprintRule, silentAgentRule } from '../../rules/fleet/index.js';
import { countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule } from '../../rules/geo/index.js';
import {
  agentStoppedRule,
  agentTamperedRule,
  clockSkewRule,
  implausibleFindingsRule,
  reportRefusedRule,
  scoreMismatchRule,
} from '../verdict/integrity.js';

export interface RuleInfo {
  title: string;
  attack: readonly string[];
}

interface Declared {
  id: string;
  title: string;
  attack?: readonly string[];
}

/** Every rule an alert can carry: the endpoint rules and the rules only the server raises (fleet, geo, the agent's own). */
const declared = (): readonly Declared[] => [
  ...rules,
  colocationRule, silentAgentRule, rareToolRule, sharedFingerprintRule, neighborDevicesRule,
  countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule,
  agentTamperedRule, agentStoppedRule, scoreMismatchRule, implausibleFindingsRule, clockSkewRule, reportRefusedRule,
];

let byId: Map<string, RuleInfo> | undefined;

/** A rule's title and ATT&CK ids by id; an unknown id (a newer agent's rule) keeps its id as title. */
export function ruleInfo(id: string): RuleInfo {
  byId ??= new Map(declared().map((r) => [r.id, { title: r.title, attack: r.attack ?? [] }]));
  return byId.get(id) ?? { title: id, attack: [] };
}

/** The ids of every rule the server can raise an alert for, as declared. */
export const alertRuleIds = (): string[] => declared().map((r) => r.id);

export const severityRank: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
