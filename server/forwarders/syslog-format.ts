import { hostname } from 'node:os';
import type { AlertEvent } from '../storage/types.js';
import { toCef } from './cef.js';
import { auditFacility, formatSyslog, syslogSeverity } from './rfc5424.js';
import { ruleInfo } from './rule-info.js';

/** Our SD-ID: 32473 is the example enterprise number of RFC 5612 (farmwatch has no IANA number of its own). */
export const sdId = 'farmwatch@32473';

/** One alert change as an RFC 5424 message: CEF in MSG (format cef), or parameters in structured data (format rfc5424). */
export function toSyslog(event: AlertEvent, format: 'cef' | 'rfc5424', productVersion: string, host = hostname()): string {
  const { alert } = event;
  const common = {
    facility: auditFacility,
    severity: syslogSeverity[alert.severity] ?? 5,
    timestamp: new Date(event.at),
    hostname: host,
    appName: 'farmwatch',
    procId: String(process.pid),
    msgId: `alert-${event.kind}`,
  };
  if (format === 'cef') return formatSyslog({ ...common, structuredData: null, msg: toCef(event, productVersion) });
  const info = ruleInfo(alert.rule);
  const params: Record<string, string> = {
    eventUid: event.uid,
    alertId: String(alert.id),
    rule: alert.rule,
    title: info.title,
    status: alert.status,
    severity: alert.severity,
    deviceIds: alert.deviceIds.join(','),
    hostnames: event.devices.map((d) => d.hostname ?? d.deviceId).join(','),
  };
  if (typeof alert.evidence.score === 'number') params.score = String(alert.evidence.score);
  if (info.attack.length) params.attack = info.attack.join(',');
  // MSG is the summary on one line (octet counting would carry newlines, but many receivers split on them).
  return formatSyslog({ ...common, structuredData: { [sdId]: params }, msg: alert.summary.replace(/[\r\n]+/g, ' ') });
}
