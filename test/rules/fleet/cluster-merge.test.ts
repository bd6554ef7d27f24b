import { describe, expect, it } from 'vitest';
import { clusterToJoin, decideCluster, joinCluster, type OpenCluster } from '../../../rules/fleet/index.js';

const policy = { minDevices: 3, windowHours: 24 };
const ip = { kind: 'ip' as const, value: '203.0.113.7' };
const gateway = { kind: 'gateway' as const, value: 'a'.repeat(64) };

describe('one co-location alert per cluster', () => {
  const first = decideCluster(ip, ['d1', 'd2', 'd3'], policy)!;
  const open: OpenCluster = { id: 7, deviceIds: first.deviceIds, evidence: first.evidence };

  it('joins a second place of the same laptops to the open alert, listing both places', () => {
    const decision = decideCluster(gateway, ['d1', 'd2', 'd3', 'd4'], policy)!;
    expect(clusterToJoin(['d1', 'd2', 'd3', 'd4'], [open], policy)?.id).toBe(7);
    const joined = joinCluster(open, gateway, decision);
    expect(joined.deviceIds).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(joined.evidence.places).toEqual([ip, gateway]);
    expect(joined.summary).toContain('2 places');
  });

  it('does not merge two farms that share a single travelling laptop', () => {
    expect(clusterToJoin(['d3', 'x1', 'x2'], [open], policy)).toBeUndefined();
  });
});
