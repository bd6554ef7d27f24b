import { endpointRule, rulesThatRun } from '../../rules/registry.js';
import type { Rule } from '../../rules/types.js';

/**
 * The rule ids the server judges, read from the rule registry (rules/registry.ts). A rule id in a report is a string
 * the agent chose: it is looked up in a Map, so "constructor" or "__proto__" are ids like any other, and a finding
 * whose id is not an endpoint rule neither scores nor opens an alert.
 */
export const endpointRules: ReadonlyMap<string, Rule> = new Map(
  rulesThatRun('endpoint').flatMap((r) => {
    const rule = endpointRule(r.id);
    return rule ? [[r.id, rule] as const] : [];
  }),
);

export { endpointRule };
