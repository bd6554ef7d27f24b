import { oneLine } from './text.js';

/**
 * RFC 5424 syslog messages and their framing. Header fields are PRINTUSASCII (33-126) with RFC length limits; an
 * empty field is the NILVALUE "-". SD-PARAM values escape '"', '\' and ']' (RFC 5424 §6.3.3). SD values and MSG are
 * kept on one line: octet counting would carry a line break, but relays and files downstream split records on them.
 */
export interface SyslogMessage {
  facility: number;
  severity: number;
  timestamp: Date;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID → params; null for the NILVALUE. */
  structuredData: Record<string, Record<string, string>> | null;
  msg: string;
}

function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean || '-';
}

/** A PARAM-VALUE: one line (control characters become spaces, see text.ts), then '"', '\\' and ']' escaped. */
export const sdEscape = (v: string): string => oneLine(v).replace(/[\\"\]]/g, (c) => `\\${c}`);

/** SD-NAME: printable ASCII but '=', ' ', ']', '"', at most 32 characters. */
const sdName = (n: string) => {
  if (!/^[\x21-\x7e]{1,32}$/.test(n) || /[= \]"]/.test(n)) throw new Error(`bad SD name ${n}`);
  return n;
};

export function formatSyslog(m: SyslogMessage): string {
  const pri = m.facility * 8 + m.severity;
  const sd = m.structuredData
    ? Object.entries(m.structuredData)
        .map(([id, params]) => `[${sdName(id)}${Object.entries(params).map(([k, v]) => ` ${sdName(k)}="${sdEscape(v)}"`).join('')}]`)
        .join('') || '-'
    : '-';
  const header = [
    `<${pri}>1`,
    m.timestamp.toISOString(),
    headerField(m.hostname, 255),
    headerField(m.appName, 48),
    headerField(m.procId, 128),
    headerField(m.msgId, 32),
    sd,
  ].join(' ');
  return m.msg ? `${header} ${oneLine(m.msg)}` : header;
}

/** Octet-counting framing (RFC 6587 §3.4.1, RFC 5425 §4.3): "MSG-LEN SP SYSLOG-MSG", the length in bytes. */
export const octetCounted = (message: string): Buffer => {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
};

/** Reads back octet-counted frames from a stream buffer: complete messages plus the unread rest. */
export function parseOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number(buffer.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) throw new Error('bad octet-counted frame');
    if (buffer.length < space + 1 + len) break;
    messages.push(buffer.subarray(space + 1, space + 1 + len).toString('utf8'));
    at = space + 1 + len;
  }
  return { messages, rest: buffer.subarray(at) };
}

/** Syslog severities (RFC 5424 table 2) for alert severities. */
export const syslogSeverity: Record<string, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
/** Facility 13, "log audit": security events for a SIEM. */
export const auditFacility = 13;
