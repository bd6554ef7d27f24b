import { rules } from '../../rules/index.js';
import { colocationRule, silentAgentRule } from '../../rules/fleet/index.js';

export interface RuleInfo {
  title: string;
  attack: readonly string[];
}

let byId: Map<string, RuleInfo> | undefined;

/** A rule's title and ATT&CK ids by id (endpoint and fleet rules); an unknown id (a newer agent's rule) keeps its id as title. */
export function ruleInfo(id: string): RuleInfo {
  byId ??= new Map([...rules, colocationRule, silentAgentRule].map((r) => [r.id, { title: r.title, attack: r.attack }]));
  return byId.get(id) ?? { title: id, attack: [] };
}

export const severityRank: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
