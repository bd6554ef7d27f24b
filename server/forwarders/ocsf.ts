import type { AlertEvent } from '../storage/types.js';
import { ruleInfo, severityRank } from './rule-info.js';

/** OCSF schema version the events follow (Detection Finding, class 2004, as defined in OCSF 1.3). */
export const ocsfVersion = '1.3.0';

const activity = { create: 1, update: 2, close: 3 } as const;
const activityNames = { 1: 'Create', 2: 'Update', 3: 'Close' } as const;
const severityNames = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical'] as const;
// Finding status_id: 1 New, 2 In Progress, 4 Resolved.
const statusIds: Record<string, { id: number; name: string }> = {
  open: { id: 1, name: 'New' },
  acknowledged: { id: 2, name: 'In Progress' },
  resolved: { id: 4, name: 'Resolved' },
};

/** "T1219.003" → technique T1219 with sub-technique T1219.003; "T1200" → technique only. */
function attackOf(id: string): Record<string, unknown> {
  const [technique] = id.split('.');
  return id.includes('.') ? { technique: { uid: technique }, sub_technique: { uid: id } } : { technique: { uid: id } };
}

/**
 * One alert change as an OCSF Detection Finding. A new alert is activity Create (type_uid 200401), any later
 * change Update (200402), and the change that resolves it Close (200403), as OCSF's finding lifecycle asks.
 */
export function toOcsf(event: AlertEvent, productVersion: string): Record<string, unknown> {
  const { alert } = event;
  const info = ruleInfo(alert.rule);
  const activityId = event.kind === 'new' ? activity.create : alert.status === 'resolved' ? activity.close : activity.update;
  const severityId = severityRank[alert.severity] ?? 0;
  const status = statusIds[alert.status] ?? { id: 99, name: alert.status };
  const score = typeof alert.evidence.score === 'number' ? alert.evidence.score : undefined;
  const findings = Array.isArray(alert.evidence.findings) ? (alert.evidence.findings as Record<string, unknown>[]) : [];
  const [first, ...others] = event.devices;
  const device = (d: { deviceId: string; hostname: string | null }) => ({ uid: d.deviceId, hostname: d.hostname ?? d.deviceId, type_id: 0 });
  const attacks = info.attack.map(attackOf);
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activityId,
    activity_name: activityNames[activityId],
    type_uid: 2004 * 100 + activityId,
    severity_id: severityId,
    severity: severityNames[severityId],
    status_id: status.id,
    status: status.name,
    time: Date.parse(event.at),
    message: alert.summary,
    is_alert: event.kind === 'new',
    metadata: {
      uid: event.uid,
      version: ocsfVersion,
      product: { name: 'farmwatch', vendor_name: 'farmwatch', version: productVersion },
    },
    finding_info: {
      uid: `farmwatch-alert-${alert.id}`,
      title: info.title,
      desc: alert.summary,
      created_time: Date.parse(alert.createdAt),
      modified_time: Date.parse(alert.updatedAt),
      analytic: { name: alert.rule, uid: alert.rule, type_id: 1, type: 'Rule' },
      ...(attacks.length ? { attacks } : {}),
    },
    ...(score !== undefined ? { risk_score: score } : {}),
    ...(first ? { device: device(first) } : {}),
    ...(others.length ? { resources: event.devices.map((d) => ({ uid: d.deviceId, name: d.hostname ?? d.deviceId, type: 'device' })) } : {}),
    // Each finding the agent sent becomes one evidence artifact; its raw data is kept as sent (JSON carries it safely).
    evidences: findings.length
      ? findings.map((f) => ({ name: typeof f.title === 'string' ? f.title : alert.rule, data: f }))
      : [{ name: alert.rule, data: alert.evidence }],
    unmapped: { farmwatch: { alertId: alert.id, rule: alert.rule, deviceIds: alert.deviceIds, status: alert.status } },
  };
}
