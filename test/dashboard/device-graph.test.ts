import { describe, expect, it } from 'vitest';
import { clusterPanel, newHirePanel, newHireWindow } from '../../server/dashboard/pages/device-graph.js';
import { clustersOf } from '../../rules/fleet/index.js';

const now = new Date('2026-03-10T12:00:00Z');

describe('the new-hire window (pure)', () => {
  it('is open for the first N days after enrollment, then ended; 0 days or an unreadable date: none', () => {
    expect(newHireWindow('2026-03-05T09:00:00Z', 14, now)).toEqual({ days: 14, enrolledAt: '2026-03-05T09:00:00Z', until: '2026-03-19T09:00:00.000Z', open: true });
    expect(newHireWindow('2026-02-01T09:00:00Z', 14, now)?.open).toBe(false);
    expect(newHireWindow('2026-03-05T09:00:00Z', 0, now)).toBeNull();
    expect(newHireWindow('not a date', 14, now)).toBeNull();
    expect(newHireWindow('2026-03-05T09:00:00Z', Number.NaN, now)).toBeNull();
  });

  it('the panel says which day of the window it is, or that it ended', () => {
    expect(String(newHirePanel(newHireWindow('2026-03-05T09:00:00Z', 14, now), now))).toContain('day 6 of 14');
    expect(String(newHirePanel(newHireWindow('2026-02-01T09:00:00Z', 14, now), now))).toContain('ended 2026-02-15');
    expect(newHirePanel(null, now)).toBe('');
  });
});

describe('the device page cluster panel', () => {
  it('lists the laptops joined to this one with the rule, alert and shortened key; escapes hostnames', () => {
    const [cluster] = clustersOf([{ alertId: 4, rule: 'fleet.shared-operator', reason: 'shared-operator', deviceIds: ['a', 'b'], keys: [`peer-id:${'f'.repeat(64)}`] }]);
    const out = String(clusterPanel('a', cluster, new Map([['b', '<b>host</b>']])));
    expect(out).toContain('shared operator (<code>fleet.shared-operator</code>, alert #4)');
    expect(out).toContain(`peer-id:<code title="${'f'.repeat(64)}">ffffffffffff…</code>`);
    expect(out).toContain('&lt;b&gt;host&lt;/b&gt;');
    expect(String(clusterPanel('z', null, new Map()))).toContain('in no cluster');
  });
});
