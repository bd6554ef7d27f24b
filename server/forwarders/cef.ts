import type { AlertEvent } from '../storage/types.js';
import { ruleInfo } from './rule-info.js';

/**
 * ArcSight CEF (Common Event Format, "Implementing ArcSight CEF", revision 25). Header fields escape backslash and
 * pipe; a header cannot hold a line break, so CR/LF become spaces. Extension values escape backslash and equals, and
 * carry line breaks as \n and \r. Extension keys are fixed here (alphanumeric CEF dictionary keys).
 */
export const cefHeaderEscape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|[\r\n]/g, ' ');
export const cefExtensionEscape = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n/g, '\\n').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const cefSeverity: Record<string, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };
const keyShape = /^[A-Za-z0-9]+$/;

/** Extension text from ordered pairs; an empty value is left out, a bad key is a programming error. */
export function cefExtensions(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  return pairs
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => {
      if (!keyShape.test(k)) throw new Error(`bad CEF key ${k}`);
      return `${k}=${cefExtensionEscape(String(v))}`;
    })
    .join(' ');
}

export function cefHeader(fields: { version: string; signatureId: string; name: string; severity: number }): string {
  const h = [ 'farmwatch', 'farmwatch', fields.version, fields.signatureId, fields.name, String(fields.severity) ].map(cefHeaderEscape);
  return `CEF:0|${h.join('|')}|`;
}

/** Evidence travels as JSON, capped so that a message fits a UDP datagram whatever the agent sent. */
const evidenceCap = 2_000;

export function toCef(event: AlertEvent, productVersion: string): string {
  const { alert } = event;
  const info = ruleInfo(alert.rule);
  const first = event.devices[0];
  let evidence = JSON.stringify(alert.evidence.findings ?? alert.evidence);
  if (evidence.length > evidenceCap) evidence = `${evidence.slice(0, evidenceCap)}…`;
  const header = cefHeader({ version: productVersion, signatureId: alert.rule, name: info.title, severity: cefSeverity[alert.severity] ?? 5 });
  return (
    header +
    cefExtensions([
      ['rt', Date.parse(event.at)],
      ['externalId', alert.id],
      ['act', event.kind],
      ['outcome', alert.status],
      ['dhost', first?.hostname ?? first?.deviceId],
      ['msg', alert.summary],
      ['cs1Label', 'deviceIds'],
      ['cs1', alert.deviceIds.join(',')],
      ['cs2Label', 'attack'],
      ['cs2', info.attack.join(',')],
      ['cs3Label', 'eventUid'],
      ['cs3', event.uid],
      ['cs4Label', 'evidence'],
      ['cs4', evidence],
      ['cn1Label', 'score'],
      ['cn1', typeof alert.evidence.score === 'number' ? alert.evidence.score : undefined],
    ])
  );
}
