import type { Snapshot } from '../schema/snapshot/index.js';
import type { Finding } from '../rules/types.js';
import { hashSnapshotPlaces } from './identity.js';

export interface ReportPrivacy {
  /** Command lines cut to argv[0], except the arguments a finding matched (config privacy.redactCommandLines). */
  redactCommandLines: boolean;
  /** The machine id, interface MACs and SSID travel in clear (central policy clearIdentifiers); hashed otherwise. */
  clearIdentifiers: boolean;
}

/**
 * The snapshot as it may leave the laptop. Rules and `diagnose` saw the whole snapshot; what is sent is cut here,
 * after evaluation, so detection loses nothing: identifiers become keyed hashes (agent/identity.ts) and command
 * lines keep argv[0] plus the arguments a finding names in its evidence, so that the server, re-running the rules
 * on this snapshot, matches what the agent matched.
 */
export function snapshotForReport(snapshot: Snapshot, findings: readonly Finding[], fleetKey: string, privacy: ReportPrivacy): Snapshot {
  const hashed = hashSnapshotPlaces(snapshot, fleetKey, { clearIdentifiers: privacy.clearIdentifiers });
  if (!privacy.redactCommandLines || !hashed.processes) return hashed;
  const matched = matchedArguments(findings);
  return {
    ...hashed,
    processes: hashed.processes.map((p) => {
      if (!p.cmdline || p.cmdline.length <= 1) return p;
      const keep = matched.get(p.pid) ?? [];
      return { ...p, cmdline: [p.cmdline[0]!, ...keep] };
    }),
  };
}

/** pid → the command-line arguments findings matched on it: evidence objects `{pid, argument}` at any depth. */
export function matchedArguments(findings: readonly Finding[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (value: unknown, depth: number): void => {
    // Evidence is a few levels deep at most; the bound keeps a hostile or cyclic value from recursing without end.
    if (depth > 8 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    const { pid, argument } = record;
    if (typeof pid === 'number' && typeof argument === 'string') {
      const list = out.get(pid) ?? [];
      if (!list.includes(argument)) list.push(argument);
      out.set(pid, list);
    }
    for (const v of Object.values(record)) visit(v, depth + 1);
  };
  for (const f of findings) visit(f.evidence, 0);
  return out;
}
