import { attackText, registeredRules, ruleLabel, type RuleLabel } from '../../rules/registry.js';

/** What a forwarder shows of an alert's rule: its title and ATT&CK ids, read from the rule registry. */
export type RuleInfo = RuleLabel;
export const ruleInfo = (id: string): RuleInfo => ruleLabel(id);
export { attackText };

/** The ids of every rule the server can raise an alert for: every registered rule. */
export const alertRuleIds = (): string[] => registeredRules.map((r) => r.id);

export const severityRank: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
