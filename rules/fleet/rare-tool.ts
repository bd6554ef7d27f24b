import type { Finding } from '../types.js';
import { serverFinding, type ServerRuleMeta } from '../geo/finding.js';

/**
 * fleet.rare-tool: a remote-access tool (the subject of a remote-access.* finding) that few of the fleet's devices
 * have. A tool the whole company uses is IT's; one on a handful of laptops is someone's own choice.
 */
export const rareToolRule: ServerRuleMeta = {
  id: 'fleet.rare-tool',
  runs: 'fleet',
  title: 'A remote-access tool seen on few of the fleet\'s devices',
  description: 'The tool is on fewer than rareTool.maxPercent % of the devices that have reported (only once at least rareTool.minFleetDevices have).',
  severity: 'high',
  weight: 0.7,
  group: 'fleet',
  attack: ['T1219'],
  falsePositives: ['A team that legitimately uses its own support tool (allow-list it in the agent config)'],
};

export interface RareToolPolicy {
  maxPercent: number;
  minFleetDevices: number;
}

/** The catalog ids of remote tools a report names: subjects of unsuppressed remote-access.* findings, once each. */
export function remoteToolsOf(findings: readonly { rule: string; subject?: string | undefined; suppressed?: boolean | undefined }[]): string[] {
  const tools = new Set<string>();
  for (const f of findings) if (f.rule.startsWith('remote-access.') && f.subject && !f.suppressed) tools.add(f.subject);
  return [...tools].sort();
}

/**
 * Confidence grows with rarity: 0.5 at the threshold, 1.0 for a tool on one device of a large fleet. A tool on more
 * devices than the threshold gives no finding at all, so a rare tool always scores above a common one.
 */
export function rareTool(tool: string, devicesWithTool: number, fleetDevices: number, policy: RareToolPolicy): Finding | null {
  if (fleetDevices < policy.minFleetDevices || devicesWithTool < 1) return null;
  const percent = (100 * devicesWithTool) / fleetDevices;
  if (percent >= policy.maxPercent) return null;
  const confidence = 0.5 + 0.5 * (1 - percent / policy.maxPercent);
  return serverFinding(rareToolRule, confidence, { tool, devicesWithTool, fleetDevices, percent: Math.round(percent * 100) / 100, maxPercent: policy.maxPercent }, tool);
}
