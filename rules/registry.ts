import { colocationRule, neighborDevicesRule, rareToolRule, sharedFingerprintRule, sharedOperatorRule, sharedPeripheralRule, silentAgentRule } from './fleet/index.js';
import { countryMismatchRule, hostingNetworkRule, impossibleTravelRule, timezoneMismatchRule } from './geo/index.js';
import { rules as endpointRules } from './index.js';
import {
  agentStoppedRule,
  agentTamperedRule,
  clockSkewRule,
  implausibleFindingsRule,
  reportRefusedRule,
  scoreMismatchRule,
} from './integrity/index.js';
import { attackIds, type Rule, type RuleMeta, type RuleRuns } from './types.js';

/**
 * The server-side rules, each listed once. Endpoint rules are registered by their area's index (the list the engine
 * evaluates, in report order); a rule the server raises is registered here. docs/detection.md, the verdict, the
 * dashboard and every forwarder read this registry, so a rule missing here reaches a SIEM with its id as title.
 */
const serverSideRules: readonly RuleMeta[] = [
  agentTamperedRule, agentStoppedRule, scoreMismatchRule, implausibleFindingsRule, clockSkewRule, reportRefusedRule,
  countryMismatchRule, hostingNetworkRule, timezoneMismatchRule, impossibleTravelRule,
  colocationRule, silentAgentRule, rareToolRule, sharedFingerprintRule, neighborDevicesRule, sharedOperatorRule, sharedPeripheralRule,
];

/** Every rule in the product: endpoint, then server, then fleet. */
export const registeredRules: readonly RuleMeta[] = [...endpointRules, ...serverSideRules];

function index(list: readonly RuleMeta[]): ReadonlyMap<string, RuleMeta> {
  const byId = new Map<string, RuleMeta>();
  for (const rule of list) {
    // A second rule of one id would make alerts, docs and SIEM mappings ambiguous: a programming error, caught at load.
    if (byId.has(rule.id)) throw new Error(`rule ${rule.id} is registered twice`);
    if (rule.attack !== 'none' && rule.attack.length === 0) throw new Error(`rule ${rule.id}: attack must name a technique or be 'none' with attackNone`);
    byId.set(rule.id, rule);
  }
  return byId;
}

/** By id (a Map, never an object key: a rule id in a report is the agent's string, "__proto__" included). */
export const ruleRegistry: ReadonlyMap<string, RuleMeta> = index(registeredRules);

const endpointById: ReadonlyMap<string, Rule> = new Map(endpointRules.map((r) => [r.id, r]));

/** The registered rule of this id, if any. */
export const registeredRule = (id: unknown): RuleMeta | undefined => (typeof id === 'string' ? ruleRegistry.get(id) : undefined);

/** The endpoint rule of this id (with its evaluate), if any. */
export const endpointRule = (id: unknown): Rule | undefined => (typeof id === 'string' ? endpointById.get(id) : undefined);

/** The registered rules that run in one place. */
export const rulesThatRun = (runs: RuleRuns): readonly RuleMeta[] => registeredRules.filter((r) => r.runs === runs);

export interface RuleLabel {
  title: string;
  /** ATT&CK technique ids; empty for an unknown id or a rule declared `attack: 'none'`. */
  attack: readonly string[];
  /** True for a rule that declares no technique fits: forwarders say "none" rather than leave the field out. */
  attackNone: boolean;
}

/** A rule's title and ATT&CK ids as alerts and forwarders show them; an unknown id (a newer agent's rule) keeps its id as title. */
export function ruleLabel(id: string): RuleLabel {
  const rule = ruleRegistry.get(id);
  if (!rule) return { title: id, attack: [], attackNone: false };
  return { title: rule.title, attack: attackIds(rule), attackNone: rule.attack === 'none' };
}

/** The ATT&CK ids of a rule as one text: "T1219,T1133", or "none" for a rule that declares none fits. */
export function attackText(label: RuleLabel, separator = ','): string | undefined {
  if (label.attack.length) return label.attack.join(separator);
  return label.attackNone ? 'none' : undefined;
}
