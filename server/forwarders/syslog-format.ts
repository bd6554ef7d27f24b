import { hostname } from 'node:os';
import type { AlertEvent } from '../db/records.js';
import { toCef } from './cef.js';
import { auditFacility, formatSyslog, syslogSeverity } from './rfc5424.js';
import { attackText, ruleInfo } from './rule-info.js';
import { byteLength, shorten } from './text.js';

/** Our SD-ID: 32473 is the example enterprise number of RFC 5612 (farmwatch has no IANA number of its own). */
export const sdId = 'farmwatch@32473';

/**
 * The largest syslog message (bytes, without framing) each transport sends unless `maxMessageBytes` says otherwise.
 * UDP: 2048, the size RFC 5426 §3.2 says every receiver SHOULD accept (its MUST is 480 over IPv4, 1180 over IPv6).
 * TCP and TLS: 8192, the size RFC 5425 §4.3.1 says receivers SHOULD accept (and rsyslog's default maxMessageSize).
 */
export const defaultMaxMessageBytes = { udp: 2_048, tcp: 8_192, tls: 8_192 } as const;

/**
 * One alert change as an RFC 5424 message of at most `maxBytes` bytes: CEF in MSG (format cef), or parameters in
 * structured data (format rfc5424). Over the limit, whole fields give way (never text cut inside JSON or an SD
 * element): see toCef for CEF; in rfc5424 the summary in MSG is shortened, then the hostname and device lists, and
 * the parameter truncated="true" says so.
 */
export function toSyslog(event: AlertEvent, format: 'cef' | 'rfc5424', productVersion: string, host = hostname(), maxBytes: number = defaultMaxMessageBytes.tcp): string {
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
  if (format === 'cef') {
    // HEADER SP MSG: the CEF record gets what the header leaves.
    const room = maxBytes - byteLength(formatSyslog({ ...common, structuredData: null, msg: '' })) - 1;
    return formatSyslog({ ...common, structuredData: null, msg: toCef(event, productVersion, room) });
  }
  const info = ruleInfo(alert.rule);
  const build = (o: { msgMax: number; lists: 'all' | 'ids' | 'first' | 'none' }) => {
    const truncated = o.msgMax < Number.POSITIVE_INFINITY || o.lists !== 'all';
    const params: Record<string, string> = {
      eventUid: event.uid,
      alertId: String(alert.id),
      rule: alert.rule,
      title: info.title,
      status: alert.status,
      severity: alert.severity,
    };
    if (o.lists === 'all' || o.lists === 'ids') params.deviceIds = alert.deviceIds.join(',');
    else if (o.lists === 'first' && alert.deviceIds[0] !== undefined) params.deviceIds = shorten(alert.deviceIds[0], 64);
    if (o.lists === 'all') params.hostnames = event.devices.map((d) => d.hostname ?? d.deviceId).join(',');
    if (typeof alert.evidence.score === 'number') params.score = String(alert.evidence.score);
    const attack = attackText(info);
    if (attack !== undefined) params.attack = attack;
    if (truncated) params.truncated = 'true';
    const msg = o.msgMax > 0 ? shorten(alert.summary, o.msgMax) : '';
    return formatSyslog({ ...common, structuredData: { [sdId]: params }, msg });
  };
  const attempts = [
    { msgMax: Number.POSITIVE_INFINITY, lists: 'all' },
    { msgMax: 512, lists: 'all' },
    { msgMax: 512, lists: 'ids' },
    { msgMax: 256, lists: 'first' },
    { msgMax: 64, lists: 'first' },
  ] as const;
  for (const a of attempts) {
    const text = build(a);
    if (byteLength(text) <= maxBytes) return text;
  }
  return build({ msgMax: 0, lists: 'none' });
}
