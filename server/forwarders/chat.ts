import type { AlertEvent } from '../db/records.js';
import { attackText, ruleInfo } from './rule-info.js';
import { jsonOneLine, oneLine, shorten } from './text.js';
import { renderEvidence } from '../../rules/evidence/index.js';

/** Slack mrkdwn: &, < and > are the control characters (Slack "Formatting text for app surfaces"). */
export const slackEscape = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/**
 * Slack has no escape for *, _, ~ and `: agent text goes into plain_text objects (never parsed as markup); the
 * notification `text` is sent with mrkdwn off.
 */
const plain = (text: string) => ({ type: 'plain_text', text: shorten(text, 2_000) || ' ', emoji: false });

/** CommonMark backslash escapes for every ASCII punctuation mark that Teams' markdown subset could act on. */
export const markdownEscape = (v: string): string => v.replace(/[\\`*_{}[\]()#+\-.!<>|~&=]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

interface Facts {
  title: string;
  lines: [string, string][];
}

function factsOf(event: AlertEvent): Facts {
  const { alert } = event;
  const info = ruleInfo(alert.rule);
  const findings = Array.isArray(alert.evidence.findings) ? (alert.evidence.findings as Record<string, unknown>[]) : [];
  const lines: [string, string][] = [
    ['Alert', `#${alert.id} (${event.kind}, ${alert.status})`],
    ['Severity', alert.severity],
    ['Rule', alert.rule],
    ['Devices', event.devices.map((d) => (d.hostname ? `${d.hostname} (${d.deviceId})` : d.deviceId)).join(', ')],
    ['Summary', alert.summary],
  ];
  const attack = attackText(info, ', ');
  if (attack !== undefined) lines.push(['ATT&CK', attack]);
  // Labels are ours; everything the agent sent (titles, evidence) is a value.
  // The evidence in words (rules/evidence): the rule's sentence, then its fields as "label: value".
  for (const f of findings.slice(0, 5)) {
    const said = renderEvidence(alert.rule, f.evidence, f.subject, f.title);
    const fields = said.rows.map(([k, v]) => `${k}: ${v}`).join('; ');
    lines.push(['Finding', `${String(f.title ?? '')}: ${shorten(said.specific ? `${said.sentence} ${fields}` : fields || jsonOneLine(f.evidence ?? {}), 500)}`]);
  }
  // Each fact on one line: a line break in agent text would forge a line of its own in the message.
  return { title: `farmwatch: ${info.title}`, lines: lines.map(([k, v]) => [k, oneLine(v)]) };
}

export function slackPayload(event: AlertEvent): Record<string, unknown> {
  const { title, lines } = factsOf(event);
  return {
    text: slackEscape(oneLine(`${title}: ${event.alert.summary}`)),
    mrkdwn: false,
    blocks: [
      { type: 'header', text: plain(title.slice(0, 150)) },
      ...lines.map(([k, v]) => ({ type: 'section', fields: [{ type: 'mrkdwn', text: `*${slackEscape(k)}*` }, plain(v)] })),
    ],
  };
}

/** A Teams Workflows (Power Automate) message carrying an Adaptive Card 1.4. */
export function teamsPayload(event: AlertEvent): Record<string, unknown> {
  const { title, lines } = factsOf(event);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: markdownEscape(title), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts: lines.map(([k, v]) => ({ title: markdownEscape(k), value: markdownEscape(v) })) },
          ],
        },
      },
    ],
  };
}

/**
 * The event as JSON receivers get it (webhook `json`, Splunk HEC): the event itself plus `rule`, the alert rule's id,
 * title and ATT&CK ids from the rule registry (`attack: "none"` where the rule declares no technique fits).
 */
export function eventWithRule(event: AlertEvent): Record<string, unknown> {
  const info = ruleInfo(event.alert.rule);
  return { ...event, rule: { id: event.alert.rule, title: info.title, attack: info.attackNone ? 'none' : [...info.attack] } };
}

/** The webhook `json` body (JSON needs no further escaping). */
export const jsonPayload = (event: AlertEvent): Record<string, unknown> => eventWithRule(event);

/**
 * Splunk HEC event body (time in epoch seconds). `host` is indexed metadata that Splunk shows and searches as raw
 * text: it is kept to one line of at most 255 characters. The event itself is JSON and needs no escaping.
 */
export function splunkPayload(event: AlertEvent, opts: { index?: string | undefined; sourcetype?: string | undefined }): Record<string, unknown> {
  const first = event.devices[0];
  return {
    time: Date.parse(event.at) / 1000,
    host: shorten(oneLine(first?.hostname ?? first?.deviceId ?? 'farmwatch'), 255).trim() || 'farmwatch',
    source: 'farmwatch',
    sourcetype: opts.sourcetype ?? 'farmwatch:alert',
    ...(opts.index ? { index: opts.index } : {}),
    event: eventWithRule(event),
  };
}
