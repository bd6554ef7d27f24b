import type { Snapshot } from '../schema/snapshot/index.js';

// Values from zod-free modules only: every rule imports this file, and the one-shot commands load no zod.
export { levels, severities, type Level, type Severity } from '../schema/levels.js';
export type { Evidence, Finding } from '../schema/finding.js';
export type { Baseline } from '../schema/baseline.js';
import type { Baseline } from '../schema/baseline.js';
import type { Evidence, Finding, Severity } from '../schema/finding.js';

/** What a rule may know besides the snapshot: the expected region, allow-list, baseline, clock. */
export interface RuleContext {
  expected: {
    timezones: readonly string[];
    locales: readonly string[];
    keyboardLayouts: readonly string[];
    countries: readonly string[];
  };
  allowTools: readonly string[];
  latency: {
    /** RTT (ms) a remote-control socket may have inside the expected region; beyond it network.session-rtt fires. */
    maxSessionRttMs?: number;
    anchors: readonly { host: string; port: number; expectedMaxRttMs?: number | undefined }[];
  };
  /** The device's own previous state, kept by the agent; absent on a first run or in a dry run without state. */
  baseline?: Baseline;
  /** Local hours (0-23) with input activity seen by the agent, counted; absent when not kept. */
  activityHours?: readonly number[];
  now: Date;
  /**
   * Remote-tool peer ids of the company's own support (policy helpdeskPeers): sessions with them raise nothing. The
   * agent passes them in clear (its snapshot holds raw ids); the server passes their keyed hashes (its snapshot holds those).
   */
  helpdeskPeers?: readonly string[];
  /** Findings of the rules evaluated before this one (the engine fills it; drift rules read remote-access.* subjects). */
  findings?: readonly Finding[];
}


/** Where a rule runs: on the laptop (the agent, and the server again on the snapshot), in the server's judgement of one report or device, or across the fleet. */
export type RuleRuns = 'endpoint' | 'server' | 'fleet';
export const ruleRuns: readonly RuleRuns[] = ['endpoint', 'server', 'fleet'];

/**
 * A rule's ATT&CK mapping: technique ids from rules/catalogs/attack-techniques.json, or `'none'` with the reason no
 * technique fits in `attackNone`. Never an invented mapping: a SOC pivots on these ids.
 */
export type AttackMapping =
  | { attack: readonly [string, ...string[]]; attackNone?: undefined }
  | { attack: 'none'; attackNone: string };

/** What every rule declares, endpoint or server-side: the one shape rules/registry.ts lists. */
export type RuleMeta = AttackMapping & {
  /** A contract: reports, alerts, policies and SIEM searches name it. */
  id: string;
  title: string;
  description: string;
  /** The default severity; a match may override it. */
  severity: Severity;
  /** 0-1: how strongly this alone says "remotely controlled" (rules whose alerts are not scored leave it out). */
  weight?: number;
  /** Only the strongest finding of a group scores. */
  group?: string;
  falsePositives: readonly string[];
  runs: RuleRuns;
};

/** The technique ids of a rule: none for `attack: 'none'`. */
export const attackIds = (rule: AttackMapping): readonly string[] => (rule.attack === 'none' ? [] : rule.attack);

/** Declares a server-side rule (server or fleet): the same shape as an endpoint rule, without evaluate. */
export function declareRule<const R extends RuleMeta>(rule: R): R {
  return rule;
}

/** A finding as a rule returns it; the engine adds the rule's metadata. */
export interface Match {
  confidence: number;
  evidence: Evidence;
  subject?: string;
  /** Overrides the rule's severity for this match (e.g. weaker shape). */
  severity?: Severity;
  title?: string;
}

/** An endpoint rule: metadata, a weight and a group (it scores), and a pure evaluate. */
export type Rule = RuleMeta & {
  weight: number;
  group: string;
  runs: 'endpoint';
  evaluate(snapshot: Snapshot, context: RuleContext): Match[];
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An endpoint rule as written in rules/<area>/ (`runs` is implied): listing it in its area's index registers it. */
export type EndpointRuleDeclaration = DistributiveOmit<Rule, 'runs'> & { runs?: 'endpoint' };

export function defineRule(rule: EndpointRuleDeclaration): Rule {
  return { ...rule, runs: 'endpoint' };
}
