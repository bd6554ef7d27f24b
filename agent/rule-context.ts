import type { Baseline, RuleContext } from '../rules/types.js';
import type { Config } from './config.js';

/** What the rules know besides the snapshot, from the effective config and the device's baseline. */
export function ruleContextFor(
  config: Config,
  extra: { baseline?: Baseline; activityHours?: readonly number[]; now?: Date; helpdeskPeers?: readonly string[] } = {},
): RuleContext {
  return {
    expected: config.expected,
    allowTools: config.allow.tools,
    latency: {
      anchors: config.latency.anchors,
      ...(config.latency.maxSessionRttMs !== undefined ? { maxSessionRttMs: config.latency.maxSessionRttMs } : {}),
    },
    ...(extra.baseline ? { baseline: extra.baseline } : {}),
    ...(extra.activityHours ? { activityHours: extra.activityHours } : {}),
    ...(extra.helpdeskPeers?.length ? { helpdeskPeers: extra.helpdeskPeers } : {}),
    now: extra.now ?? new Date(),
  };
}
