import type { Alert } from '../db/records.js';

/**
 * Which case an alert belongs to: the one function that decides it. A co-location alert is a cluster's case (its
 * devices shared a place); every other alert is the case of each device it names. Clusters defined from shared
 * operators and peripherals replace the co-location rule here, and nowhere else.
 */
export interface CaseTarget {
  key: string;
  kind: 'device' | 'cluster';
  deviceIds: string[];
}

export const colocationRule = 'fleet.colocation';

export function caseTargetsOf(alert: Pick<Alert, 'id' | 'rule' | 'deviceIds'>): CaseTarget[] {
  if (alert.rule === colocationRule) return [{ key: `cluster:${alert.id}`, kind: 'cluster', deviceIds: [...alert.deviceIds].sort() }];
  return [...new Set(alert.deviceIds)].map((id) => ({ key: `device:${id}`, kind: 'device' as const, deviceIds: [id] }));
}
