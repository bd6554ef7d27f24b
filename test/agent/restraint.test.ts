import { describe, expect, it } from 'vitest';
import { decideRestraint, initialRestraint, maxStretch, restCycles, restingNow, tickRests } from '../../agent/restraint.js';

const budget = { cpuMsPerCycle: 200, rssMiB: 150 };

describe('decideRestraint', () => {
  it('under budget with nothing resting: no change, nothing in health', () => {
    const d = decideRestraint(initialRestraint, { cpuMs: 50, rssMiB: 60, collectorMs: { processes: 30, software: 400 } }, budget);
    expect(d.state).toEqual({ stretch: 1, resting: {} });
    expect(d.health).toEqual({});
    expect(d.rested).toBeUndefined();
  });

  it('over the CPU budget: doubles the stretch (capped) and rests the costliest slow collector', () => {
    const cost = { cpuMs: 350, rssMiB: 60, collectorMs: { processes: 900, software: 400, host: 120, locale: 5 } };
    const d = decideRestraint(initialRestraint, cost, budget);
    expect(d.state.stretch).toBe(2);
    expect(d.state.resting).toEqual({ software: restCycles });
    expect(d.rested?.collector).toBe('software');
    expect(d.health.restraint).toEqual([
      'cycle CPU 350 ms over budget 200 ms: interval stretched ×2',
      `cycle CPU 350 ms over budget 200 ms: software (400 ms, the costliest collector that may rest) rests ${restCycles} cycles`,
    ]);
    expect(d.health.restraintState).toEqual({ stretch: 2, resting: { software: restCycles }, over: ['cpu'] });
    let s = d.state;
    for (let i = 0; i < 5; i++) s = decideRestraint(tickRests(s), cost, budget).state;
    expect(s.stretch).toBe(maxStretch);
  });

  it('never rests a detection-critical collector; a fast one must be a real share of the cycle', () => {
    const critical = decideRestraint(initialRestraint, { cpuMs: 300, rssMiB: 60, collectorMs: { processes: 250, network: 90, locale: 4 } }, budget);
    expect(critical.state.resting).toEqual({});
    expect(critical.health.restraint?.[1]).toBe('cycle CPU 300 ms over budget 200 ms: no collector rested (the costliest, processes 250 ms, is detection-critical)');
    const sessions = decideRestraint(initialRestraint, { cpuMs: 300, rssMiB: 60, collectorMs: { processes: 100, sessions: 200, locale: 4 } }, budget);
    expect(sessions.state.resting).toEqual({ sessions: restCycles });
  });

  it('over the RSS budget alone: rests without stretching', () => {
    const d = decideRestraint(initialRestraint, { cpuMs: 20, rssMiB: 170, collectorMs: { processes: 10, host: 80 } }, budget);
    expect(d.state).toEqual({ stretch: 1, resting: { host: restCycles } });
    expect(d.health.restraint?.[0]).toMatch(/^RSS 170 MiB over budget 150 MiB: host .* rests/);
    expect(d.health.restraintState?.over).toEqual(['rss']);
  });

  it('a rest counts down one cycle at a time and the stretch halves back once under budget', () => {
    let s = decideRestraint(initialRestraint, { cpuMs: 500, rssMiB: 60, collectorMs: { software: 400 } }, budget).state;
    s = decideRestraint(tickRests(s), { cpuMs: 500, rssMiB: 60, collectorMs: { processes: 10 } }, budget).state;
    expect(s.stretch).toBe(4);
    const seen: string[][] = [];
    const stretches: number[] = [];
    for (let i = 0; i < restCycles; i++) {
      seen.push(restingNow(s));
      const d = decideRestraint(tickRests(s), { cpuMs: 10, rssMiB: 60, collectorMs: { processes: 10 } }, budget);
      s = d.state;
      stretches.push(s.stretch);
      if (i === 0) expect(d.health.restraint).toEqual(['interval still stretched ×2 (back under the CPU budget: halving each cycle)', `software resting: ${restCycles - 2} more cycles`]);
    }
    // Rested in the cycle after the decision plus restCycles - 1 more (one cycle already passed while stretching).
    expect(seen.filter((r) => r.includes('software')).length).toBe(restCycles - 1);
    expect(restingNow(s)).toEqual([]);
    expect(stretches.slice(0, 3)).toEqual([2, 1, 1]);
  });
});
