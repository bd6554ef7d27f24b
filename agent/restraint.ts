/**
 * Self-restraint decisions, pure: given what the last cycle cost and the budget, how long the next wait is stretched,
 * which collector rests (is not run) for a few cycles, and what the report's agent.health says about it.
 * The daemon (agent/cycle.ts) measures and applies; nothing here reads the clock or the OS.
 */
import { collectors } from '../collectors/list.js';

/** Collectors that carry the signals the agent exists for (remote-control processes and sockets, IP-KVM hardware):
 * never rested, whatever they cost. A cycle that stays over budget because of them is stretched instead. */
export const detectionCritical: readonly string[] = ['processes', 'network', 'usb', 'inputs', 'displays'];
/** Collectors that declare a slow cadence (data that changes slowly, read hourly): rested first. */
export const slowCadence: readonly string[] = collectors.filter((c) => c.cadence === 'slow').map((c) => c.name);

export const maxStretch = 4;
/** Cycles a collector rests once picked (30 min at the default 5-minute interval, before stretching). */
export const restCycles = 6;

export interface CycleCost {
  cpuMs: number;
  rssMiB: number;
  /** durationMs of each collector that ran this cycle (the snapshot's `collectors` map; skipped ones absent). */
  collectorMs: Readonly<Record<string, number>>;
}

export interface Budget {
  cpuMsPerCycle: number;
  rssMiB: number;
}

export interface RestraintState {
  /** Factor on intervalSec for the next wait: 1, 2 or 4. */
  stretch: number;
  /** Collector → cycles it still rests (not run; its previous reading is kept). */
  resting: Readonly<Record<string, number>>;
}

export const initialRestraint: RestraintState = { stretch: 1, resting: {} };

/** What goes into agent.health: readable lines and the same facts as data. */
export interface RestraintHealth {
  restraint?: string[];
  restraintState?: { stretch: number; resting: Record<string, number>; over: ('cpu' | 'rss')[] };
}

export interface RestraintDecision {
  state: RestraintState;
  /** Collector newly put to rest by this decision (for the log line that says why). */
  rested?: { collector: string; cycles: number; reason: string };
  health: RestraintHealth;
}

/** Collectors to skip in the coming cycle. */
export function restingNow(state: RestraintState): string[] {
  return Object.entries(state.resting)
    .filter(([, left]) => left > 0)
    .map(([name]) => name);
}

/** The state at the start of the next cycle: every rest one cycle shorter (call once per cycle, before deciding). */
export function tickRests(state: RestraintState): RestraintState {
  const resting: Record<string, number> = {};
  for (const [name, left] of Object.entries(state.resting)) if (left > 1) resting[name] = left - 1;
  return { stretch: state.stretch, resting };
}

/**
 * After a cycle: over the CPU budget → double the stretch (up to ×4); under it → halve it back toward ×1.
 * Over either budget → rest the costliest collector that ran and may rest: a slow-cadence one first, else a fast one
 * that is not detection-critical and took at least a fifth of the collectors' time. If only detection-critical collectors ran, none rests and health says so.
 */
export function decideRestraint(state: RestraintState, cost: CycleCost, budget: Budget): RestraintDecision {
  const overCpu = cost.cpuMs > budget.cpuMsPerCycle;
  const overRss = cost.rssMiB > budget.rssMiB;
  const stretch = overCpu ? Math.min(state.stretch * 2, maxStretch) : Math.max(1, state.stretch / 2);
  const resting: Record<string, number> = { ...state.resting };
  const lines: string[] = [];
  const why: string[] = [];
  if (overCpu) why.push(`cycle CPU ${cost.cpuMs} ms over budget ${budget.cpuMsPerCycle} ms`);
  if (overRss) why.push(`RSS ${cost.rssMiB} MiB over budget ${budget.rssMiB} MiB`);
  if (overCpu) lines.push(`${why[0]}: interval stretched ×${stretch}`);
  else if (stretch > 1) lines.push(`interval still stretched ×${stretch} (back under the CPU budget: halving each cycle)`);

  let rested: RestraintDecision['rested'];
  if (why.length) {
    const pick = costliestRestable(cost.collectorMs, resting);
    if (pick) {
      const reason = `${why.join('; ')}: ${pick.name} (${pick.ms} ms, the costliest collector that may rest) rests ${restCycles} cycles`;
      resting[pick.name] = restCycles;
      rested = { collector: pick.name, cycles: restCycles, reason };
      lines.push(reason);
    } else {
      const top = costliest(cost.collectorMs);
      lines.push(`${why.join('; ')}: no collector rested${top ? ` (the costliest, ${top.name} ${top.ms} ms, is detection-critical)` : ''}`);
    }
  }
  for (const [name, left] of Object.entries(resting)) {
    if (name !== rested?.collector) lines.push(`${name} resting: ${left} more cycle${left === 1 ? '' : 's'}`);
  }
  const over: ('cpu' | 'rss')[] = [...(overCpu ? ['cpu' as const] : []), ...(overRss ? ['rss' as const] : [])];
  const active = lines.length > 0 || stretch > 1 || Object.keys(resting).length > 0;
  return {
    state: { stretch, resting },
    ...(rested ? { rested } : {}),
    health: active ? { restraint: lines, restraintState: { stretch, resting, over } } : {},
  };
}

function costliest(collectorMs: Readonly<Record<string, number>>, accept: (name: string) => boolean = () => true) {
  let best: { name: string; ms: number } | undefined;
  for (const [name, ms] of Object.entries(collectorMs)) {
    if (accept(name) && (!best || ms > best.ms)) best = { name, ms };
  }
  return best;
}

/** A fast collector rests only when it is a real share of the cycle: resting a 2 ms one loses data and saves nothing. */
export const minFastShare = 0.2;

function costliestRestable(collectorMs: Readonly<Record<string, number>>, resting: Readonly<Record<string, number>>) {
  const free = (name: string) => !(resting[name] && resting[name] > 0);
  const total = Object.values(collectorMs).reduce((a, b) => a + b, 0);
  return (
    costliest(collectorMs, (n) => free(n) && slowCadence.includes(n)) ??
    costliest(collectorMs, (n) => free(n) && !detectionCritical.includes(n) && (collectorMs[n] ?? 0) >= minFastShare * total)
  );
}
