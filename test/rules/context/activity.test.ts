import { describe, expect, it } from 'vitest';
import { activityOffHours } from '../../../rules/context/activity.js';
import { makeContext, makeSnapshot } from './make-snapshot.js';

function hist(entries: Record<number, number>): number[] {
  return Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);
}

describe('activity.off-hours', () => {
  it('fires when most active cycles fall at local night', () => {
    const ctx = makeContext({ activityHours: hist({ 22: 12, 23: 12, 0: 12, 1: 12, 2: 12, 10: 10 }) });
    const [m] = activityOffHours.evaluate(makeSnapshot(), ctx);
    expect(m?.evidence).toMatchObject({ nightCycles: 60, activeCycles: 70 });
    expect(m?.confidence).toBeCloseTo(0.86, 2);
  });

  it('is quiet for office hours, for too little history, and without a histogram', () => {
    const office = hist({ 9: 12, 10: 12, 11: 12, 13: 12, 14: 12, 23: 6 });
    expect(activityOffHours.evaluate(makeSnapshot(), makeContext({ activityHours: office }))).toEqual([]);
    expect(activityOffHours.evaluate(makeSnapshot(), makeContext({ activityHours: hist({ 2: 10 }) }))).toEqual([]);
    expect(activityOffHours.evaluate(makeSnapshot(), makeContext())).toEqual([]);
  });
});
