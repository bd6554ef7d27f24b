import type { AlertEvent } from '../db/records.js';
import { attackTechnique, attackVersion } from '../../rules/catalog/attack-techniques.js';
import { ruleInfo, severityRank } from './rule-info.js';

/**
 * OCSF schema version the events follow: Detection Finding (class 2004) as OCSF 1.5.0 defines it (`is_alert`,
 * `evidences[].name` and `device` are 1.5.0 attributes). test/fixtures/ocsf/ holds that schema; the tests validate
 * every forwarder's output against it.
 */
export const ocsfVersion = '1.5.0';

const activity = { create: 1, update: 2, close: 3 } as const;
const activityNames = { 1: 'Create', 2: 'Update', 3: 'Close' } as const;
const severityNames = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical'] as const;
// Finding status_id: 1 New, 2 In Progress, 4 Resolved.
const statusIds: Record<string, { id: number; name: string }> = {
  open: { id: 1, name: 'New' },
  acknowledged: { id: 2, name: 'In Progress' },
  resolved: { id: 4, name: 'Resolved' },
};

const named = (uid: string) => {
  const t = attackTechnique(uid);
  return t ? { uid, name: t.name } : { uid };
};

/**
 * ATT&CK objects of one id, named from rules/catalogs/attack-techniques.json: "T1219.003" → technique T1219 with
 * sub-technique T1219.003, "T1200" → technique only; one object per tactic the technique serves (an OCSF attack
 * carries one `tactic`). An id missing from the catalog keeps its uid alone (the forwarder tests keep the catalog
 * complete for the rules).
 */
function attacksOf(id: string): Record<string, unknown>[] {
  const [parent = id] = id.split('.');
  const base = id.includes('.') ? { technique: named(parent), sub_technique: named(id) } : { technique: named(id) };
  const tactics = attackTechnique(id)?.tactics ?? [];
  const version = attackVersion();
  if (!tactics.length) return [{ version, ...base }];
  return tactics.map((t) => ({ version, ...base, tactic: { uid: t.id, name: t.name } }));
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
  const attacks = info.attack.flatMap(attacksOf);
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
      // `device` is an attribute of the host profile (OCSF 1.3 accepts it only with the profile; 1.5 also in the class).
      ...(first ? { profiles: ['host'] } : {}),
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
    // OCSF's attacks[] cannot say "no technique fits": a rule declared attack 'none' says it here.
    unmapped: { farmwatch: { alertId: alert.id, rule: alert.rule, deviceIds: alert.deviceIds, status: alert.status, ...(info.attackNone ? { attack: 'none' } : {}) } },
  };
}
