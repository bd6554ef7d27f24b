import { rules } from '../../rules/index.js';
import { colocationRule, neighborDevicesRule, rareToolRule, sharedFingerprintRule, silentAgentRule } from '../../rules/fleet/index.js';
import { countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule } from '../../rules/geo/index.js';
import { agentStoppedRule, agentTamperedRule, clockSkewRule, implausibleFindingsRule, reportRefusedRule, scoreMismatchRule } from '../verdict/integrity.js';

/** A rule's description and false positives where they are declared today, for the case export; unknown ids get none. */
export interface RuleText {
  title: string;
  description: string;
  falsePositives: readonly string[];
}

interface Declared {
  id: string;
  title: string;
  description?: string;
  falsePositives?: readonly string[];
}

let byId: Map<string, RuleText> | undefined;

export function ruleText(id: string): RuleText | undefined {
  byId ??= new Map(
    ([
      ...rules,
      colocationRule, silentAgentRule, rareToolRule, sharedFingerprintRule, neighborDevicesRule,
      countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule,
      agentTamperedRule, agentStoppedRule, scoreMismatchRule, implausibleFindingsRule, clockSkewRule, reportRefusedRule,
    ] as readonly Declared[]).map((r) => [r.id, { title: r.title, description: r.description ?? '', falsePositives: r.falsePositives ?? [] }]),
  );
  return byId.get(id);
}
