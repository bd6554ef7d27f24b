import { defineRule, type Rule } from '../types.js';

/** Local night: 22:00 to 05:59. */
export const nightHours: readonly number[] = [22, 23, 0, 1, 2, 3, 4, 5];
/** Below this many active cycles (about 4 h at the default 5-minute interval) the histogram says too little. */
export const minActiveCycles = 48;

export const activityOffHours = defineRule({
  id: 'activity.off-hours',
  title: 'Most input arrives at local night',
  description:
    "From the agent's histogram of cycles with recent input per local hour: fires when at least half of the input " +
    'falls between 22:00 and 06:00 on the machine\'s clock, as when an operator abroad works their day on a ' +
    'laptop whose clock shows the employer\'s night. Weak alone.',
  severity: 'low',
  weight: 0.3,
  group: 'activity',
  attack: 'none',
  attackNone: 'Working hours are a pattern of a person, not a technique',
  falsePositives: ['Night-shift and on-call staff', 'People who work late by habit', 'A clock set to the wrong zone'],
  evaluate(_snapshot, context) {
    const hours = context.activityHours;
    if (!hours || hours.length !== 24) return [];
    const total = hours.reduce((a, b) => a + b, 0);
    if (total < minActiveCycles) return [];
    const night = nightHours.reduce((a, h) => a + (hours[h] ?? 0), 0);
    const share = night / total;
    if (share < 0.5) return [];
    return [
      {
        // 0.5 of input at night → 0.5; all of it → 1.
        confidence: Math.round(share * 100) / 100,
        evidence: { nightShare: Math.round(share * 100) / 100, nightCycles: night, activeCycles: total, nightHours: '22:00-06:00' },
      },
    ];
  },
});

export const activityRules: readonly Rule[] = [activityOffHours];
