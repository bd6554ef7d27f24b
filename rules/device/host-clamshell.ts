import type { Snapshot } from '../../schema/snapshot/index.js';
import { defineRule, type Match, type RuleContext } from '../types.js';

const HOUR = 3_600_000;

/**
 * One snapshot shows a moment; a laptop left shut on a desk with only a KVM or monitor attached for a day shows a
 * habit. The agent's baseline records when the current clamshell run began (clamshellSince): longer runs, more confidence.
 */
export function clamshellConfidence(context: RuleContext): { confidence: number; hours?: number } {
  const since = context.baseline?.clamshellSince;
  const start = since === undefined ? Number.NaN : Date.parse(since);
  if (Number.isNaN(start)) return { confidence: 0.3 };
  const hours = Math.max(0, (context.now.getTime() - start) / HOUR);
  const confidence = hours >= 24 ? 0.8 : hours >= 8 ? 0.6 : hours >= 1 ? 0.4 : 0.3;
  return { confidence, hours: Math.round(hours * 10) / 10 };
}

/** The facts of clamshell mode, or null when the snapshot does not show it (or does not tell). */
export function clamshellFacts(snapshot: Snapshot): Record<string, unknown> | null {
  const { host, displays } = snapshot;
  if (!host || !displays || host.lid !== 'closed' || host.power.onAc !== true) return null;
  const connected = displays.connectors.filter((c) => c.connected);
  // A closed lid can leave the panel "connected" but disabled; it counts only when lit.
  const panelLit = connected.some((c) => c.builtin && c.enabled !== false);
  const external = connected.filter((c) => !c.builtin);
  if (panelLit || external.length === 0) return null;
  return {
    lid: host.lid,
    onAc: host.power.onAc,
    externalDisplays: external.map((c) => (c.edid?.monitorName ? `${c.name} (${c.edid.monitorName})` : c.name)),
  };
}

export const hostClamshell = defineRule({
  id: 'host.clamshell',
  title: 'Laptop runs shut, on AC, with only external displays',
  description:
    'The lid is closed, the laptop is on AC power and only external displays are connected. In a laptop farm the ' +
    'laptops sit shut on a shelf with an IP-KVM or dummy display attached. Weak alone (many people dock this way): ' +
    'context for the KVM rules, stronger the longer it lasts.',
  severity: 'low',
  weight: 0.2,
  group: 'host',
  attack: ['T1200'],
  falsePositives: ['Docked laptops at a desk with external monitors (very common)'],
  evaluate(snapshot, context): Match[] {
    const facts = clamshellFacts(snapshot);
    if (!facts) return [];
    const { confidence, hours } = clamshellConfidence(context);
    const evidence: Record<string, unknown> = { ...facts };
    if (hours !== undefined) {
      evidence.clamshellSince = context.baseline?.clamshellSince;
      evidence.hours = hours;
    }
    return [{ confidence, evidence }];
  },
});
