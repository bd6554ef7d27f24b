import { defineRule, type Match } from '../types.js';
import { controlConfidence, evidenceOf, remotePresence, type EntryPresence, type Fact } from './presence.js';
import type { RemoteTool } from '../catalog/index.js';

const MAX_FACTS = 10;

function confidenceOf(p: EntryPresence<RemoteTool>, factor = 1): number {
  const base = controlConfidence[p.entry.category] ?? 0;
  return round(base * factor * (p.weakOnly ? 0.8 : 1));
}
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
function facts(list: Fact[]): Record<string, unknown>[] {
  return evidenceOf(list, MAX_FACTS);
}
function toolEvidence(p: EntryPresence<RemoteTool>): Record<string, unknown> {
  return { tool: p.entry.name, vendor: p.entry.vendor, category: p.entry.category, ...(p.weakOnly ? { note: 'generic names only, confirmed by a second fact' } : {}) };
}

export const remoteAccessRunning = defineRule({
  id: 'remote-access.running',
  title: 'Remote-access software is running',
  description: 'A process matches a catalogued remote-desktop, remote-support, RMM, RAT or tunnel tool (LOLRMM and farmwatch additions). Generic names count only with a confirming fact.',
  severity: 'medium', weight: 0.6, group: 'remote-access', attack: ['T1219'],
  falsePositives: ['The company\'s own remote-support or RMM tool: list its catalog id in allow.tools', 'An employee\'s personal remote-desktop tool'],
  evaluate(snapshot): Match[] {
    const out: Match[] = [];
    for (const p of remotePresence(snapshot).tools.values()) {
      if (p.running.length === 0) continue;
      out.push({
        subject: p.entry.id, confidence: confidenceOf(p), title: `${p.entry.name} is running`,
        evidence: { ...toolEvidence(p), processes: facts(p.running), ...(p.installed.length ? { installed: facts(p.installed) } : {}) },
      });
    }
    return out;
  },
});

export const remoteAccessInstalled = defineRule({
  id: 'remote-access.installed',
  title: 'Remote-access software is installed',
  description: 'A package, app bundle, service or unit of a catalogued remote-access tool is installed but no process of it runs now.',
  severity: 'low', weight: 0.35, group: 'remote-access', attack: ['T1219'],
  falsePositives: ['Left over from an earlier, legitimate use', 'The company\'s own tool (allow.tools)'],
  evaluate(snapshot): Match[] {
    const out: Match[] = [];
    for (const p of remotePresence(snapshot).tools.values()) {
      if (p.running.length > 0 || p.installed.length === 0) continue;
      const enabled = p.installed.some((f) => f.evidence['source'] === 'systemd' || f.evidence['source'] === 'launchd' || f.evidence['source'] === 'service');
      out.push({
        subject: p.entry.id, confidence: confidenceOf(p, enabled ? 1 : 0.8), title: `${p.entry.name} is installed`,
        evidence: { ...toolEvidence(p), installed: facts(p.installed) },
      });
    }
    return out;
  },
});

export const remoteAccessMultiple = defineRule({
  id: 'remote-access.multiple',
  title: 'Remote-access tools from several vendors',
  description: 'Two or more distinct vendors\' remote-access tools run or are installed on one machine (Sophos/Mandiant: "multiple RATs on single systems"). Sanctioned tools do not count.',
  severity: 'high', weight: 0.35, group: 'remote-access-multiple', attack: ['T1219'],
  falsePositives: ['IT support machines that keep several vendors\' tools for customers'],
  evaluate(snapshot, context): Match[] {
    const allowed = new Set(context.allowTools.map((t) => t.toLowerCase()));
    const vendors = new Map<string, string[]>();
    let running = 0;
    for (const p of remotePresence(snapshot).tools.values()) {
      if (allowed.has(p.entry.id)) continue;
      if (p.entry.category === 'rmm' || p.entry.category === 'input-sharing') continue; // management agents stack up legitimately
      const list = vendors.get(p.entry.vendor) ?? [];
      list.push(p.entry.id);
      vendors.set(p.entry.vendor, list);
      if (p.running.length > 0) running++;
    }
    if (vendors.size < 2) return [];
    const confidence = vendors.size >= 3 ? 1 : running >= 2 ? 0.9 : 0.7;
    return [{
      confidence, title: `Remote-access tools from ${vendors.size} vendors`,
      evidence: { vendors: [...vendors.keys()], tools: [...vendors.values()].flat(), running },
    }];
  },
});
