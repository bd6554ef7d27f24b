import type { AlertEvent } from '../db/records.js';
import { attackText, ruleInfo } from './rule-info.js';
import { byteLength, jsonOneLine, oneLine, shorten } from './text.js';

/**
 * ArcSight CEF (Common Event Format, "Implementing ArcSight CEF", revision 25). Header fields escape backslash and
 * pipe; a header cannot hold a line break, so CR/LF (and every other control character) become spaces. Extension
 * values escape backslash and equals, carry line breaks as \n and \r, and other control characters as spaces.
 * Extension keys are fixed here (alphanumeric CEF dictionary keys).
 */
export const cefHeaderEscape = (v: string): string => oneLine(v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n/g, ' '));
export const cefExtensionEscape = (v: string): string =>
  oneLine(v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n/g, '\\n').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

const cefSeverity: Record<string, number> = { info: 1, low: 3, medium: 5, high: 8, critical: 10 };
const keyShape = /^[A-Za-z0-9]+$/;

type Pair = readonly [string, string | number | undefined];

/** Extension text from ordered pairs; an empty value is left out, a bad key is a programming error. */
export function cefExtensions(pairs: readonly Pair[]): string {
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

/** Evidence travels as JSON of at most this many characters (CEF custom strings are meant to be short). */
export const cefEvidenceCap = 2_000;

/**
 * The forms the evidence may take, fullest first. Evidence is never cut inside its JSON: over the cap it becomes a
 * shorter valid JSON (each finding's rule, title and severity), then nothing; either way `evidenceTruncated` says so
 * and the full evidence stays in the server's API (GET /api/v1/alerts, the alert id is `externalId`).
 */
export function evidenceForms(evidence: Record<string, unknown>): { json: string | undefined; truncated: boolean }[] {
  const findings = Array.isArray(evidence.findings) ? (evidence.findings as unknown[]) : undefined;
  const forms: { json: string | undefined; truncated: boolean }[] = [];
  const full = jsonOneLine(findings ?? evidence);
  if (full.length <= cefEvidenceCap) forms.push({ json: full, truncated: false });
  if (findings) {
    const text = (v: unknown) => (typeof v === 'string' ? shorten(v, 80) : undefined);
    const brief = jsonOneLine(
      findings.map((f) => (f && typeof f === 'object' ? { rule: text((f as Record<string, unknown>).rule), title: text((f as Record<string, unknown>).title), severity: text((f as Record<string, unknown>).severity) } : {})),
    );
    if (brief.length <= cefEvidenceCap) forms.push({ json: brief, truncated: true });
  }
  forms.push({ json: undefined, truncated: true });
  return forms;
}

/**
 * One alert change as a CEF record of at most `maxBytes` UTF-8 bytes (the syslog transport's room for it). What
 * gives way, in order: the evidence (as a whole field, see evidenceForms), then the summary in `msg` (shortened with
 * "…"), then the device list, at last the summary altogether and `dhost` (first cut to 32 characters).
 */
export function toCef(event: AlertEvent, productVersion: string, maxBytes = Number.POSITIVE_INFINITY): string {
  const { alert } = event;
  const info = ruleInfo(alert.rule);
  const first = event.devices[0];
  const header = cefHeader({ version: productVersion, signatureId: alert.rule, name: info.title, severity: cefSeverity[alert.severity] ?? 5 });
  const score = typeof alert.evidence.score === 'number' && Number.isFinite(alert.evidence.score) ? alert.evidence.score : undefined;
  const build = (evidence: { json: string | undefined; truncated: boolean }, msgMax: number, devices: boolean, hostMax = 255) =>
    header +
    cefExtensions([
      ['rt', Date.parse(event.at)],
      ['externalId', alert.id],
      ['act', event.kind],
      ['outcome', alert.status],
      ['dhost', first && hostMax > 0 ? shorten(first.hostname ?? first.deviceId, hostMax) : undefined],
      ['msg', msgMax > 0 ? shorten(alert.summary, msgMax) : undefined],
      ...(devices ? ([['cs1Label', 'deviceIds'], ['cs1', alert.deviceIds.join(',')]] as const) : []),
      ['cs2Label', 'attack'],
      ['cs2', attackText(info)],
      ['cs3Label', 'eventUid'],
      ['cs3', event.uid],
      ...(evidence.json !== undefined ? ([['cs4Label', 'evidence'], ['cs4', evidence.json]] as const) : []),
      ...(evidence.truncated ? ([['cs5Label', 'evidenceTruncated'], ['cs5', 'true']] as const) : []),
      // The label only with its value: a receiver maps cn1 by its label.
      ...(score !== undefined ? ([['cn1Label', 'score'], ['cn1', score]] as const) : []),
    ] satisfies readonly Pair[]);
  const forms = evidenceForms(alert.evidence);
  const none = forms[forms.length - 1] ?? { json: undefined, truncated: true };
  const attempts: (() => string)[] = [
    ...forms.map((f) => () => build(f, 1_023, true)),
    () => build(none, 256, true),
    () => build(none, 64, true),
    () => build(none, 64, false),
    () => build(none, 0, false, 32),
  ];
  let text = '';
  for (const attempt of attempts) {
    text = attempt();
    if (byteLength(text) <= maxBytes) return text;
  }
  // The least that still names the alert: rule, title and ids are ours and short.
  return build(none, 0, false, 0);
}
