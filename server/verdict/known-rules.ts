import { rules, type Rule } from '../../rules/index.js';
import { colocationRule, neighborDevicesRule, rareToolRule, sharedFingerprintRule, silentAgentRule } from '../../rules/fleet/index.js';
import { countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule } from '../../rules/geo/index.js';
import { agentStoppedRule, agentTamperedRule, implausibleFindingsRule, scoreMismatchRule } from './integrity.js';

/**
 * The registry of rule ids the server knows. A rule id in a report is a string the agent chose: it is looked up
 * here (a Map, never an object key, so "constructor" or "__proto__" are ids like any other), and a finding whose id
 * is not an endpoint rule neither scores nor opens an alert.
 */
export const endpointRules: ReadonlyMap<string, Rule> = new Map(rules.map((r) => [r.id, r]));

/** Rules only the server raises: fleet, geo and the agent's own integrity. */
export const serverRuleIds: ReadonlySet<string> = new Set(
  [
    colocationRule, silentAgentRule, rareToolRule, sharedFingerprintRule, neighborDevicesRule,
    countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule,
    agentTamperedRule, agentStoppedRule, scoreMismatchRule, implausibleFindingsRule,
  ].map((r) => r.id),
);

/** The endpoint rule of this id, if the server has one. */
export const endpointRule = (id: unknown): Rule | undefined => (typeof id === 'string' ? endpointRules.get(id) : undefined);

export const isKnownRule = (id: unknown): boolean => typeof id === 'string' && (endpointRules.has(id) || serverRuleIds.has(id));
