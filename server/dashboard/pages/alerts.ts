import { ruleLabel } from '../../../rules/registry.js';
import { ago, attackLinks, levelBadge } from '../format.js';
import { evidenceBlock } from '../parts.js';
import { severityRank } from '../../forwarders/rule-info.js';
import { html, type Html } from '../html.js';
import { actionButton, page } from '../layout.js';
import type { Session } from '../sessions.js';
import type { Alert } from '../../db/records.js';
import { deviceLink } from './common.js';

/** The rule's id, with its title and ATT&CK ids from the rule registry (an unknown id is shown alone). */
function ruleCell(id: string): Html {
  const label = ruleLabel(id);
  if (label.title === id) return html`<code>${id}</code>`;
  return html`<code>${id}</code><br>${label.title}<br>${label.attackNone ? html`<span class="muted">ATT&amp;CK: none</span>` : attackLinks(label.attack)}`;
}

export const alertTabs = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;
export type AlertTab = (typeof alertTabs)[number];

export function alertActions(a: Alert, session: Session): Html {
  return html`${a.status === 'open' ? actionButton(`/dashboard/alerts/${a.id}/ack`, 'Acknowledge', session, true) : ''}
${a.status !== 'resolved' ? actionButton(`/dashboard/alerts/${a.id}/resolve`, 'Resolve', session) : html`<span class="muted">–</span>`}`;
}

/** A device alert carries its findings: the first one's evidence in words; other alerts their own evidence. */
function alertEvidence(a: Alert): Html {
  const first = Array.isArray(a.evidence.findings) ? (a.evidence.findings as unknown[])[0] : undefined;
  if (first && typeof first === 'object') {
    const f = first as Record<string, unknown>;
    return evidenceBlock({ rule: a.rule, evidence: f.evidence, subject: f.subject, title: f.title });
  }
  return evidenceBlock({ rule: a.rule, evidence: a.evidence });
}

/** The farm first: co-location alerts lead, then the most severe, then the newest. */
export function byImportance(a: Alert, b: Alert): number {
  const colo = (x: Alert) => (x.rule === 'fleet.colocation' ? 1 : 0);
  return colo(b) - colo(a) || (severityRank[b.severity] ?? 0) - (severityRank[a.severity] ?? 0) || b.id - a.id;
}

export function alertRows(unsorted: readonly Alert[], names: ReadonlyMap<string, string>, session: Session, now: Date): Html {
  if (!unsorted.length) return html`<p class="muted">No alerts here.</p>`;
  const alerts = [...unsorted].sort(byImportance);
  return html`<table class="alerts"><tr><th>#</th><th>Rule</th><th>Severity</th><th>Status</th><th>Devices</th><th>Summary and evidence</th><th>Since</th><th></th></tr>${alerts.map(
    (a) => html`<tr id="alert-${a.id}"><td>${a.id}</td><td>${ruleCell(a.rule)}</td><td>${levelBadge(a.severity)}</td><td><span class="badge status">${a.status}</span></td>
<td>${a.deviceIds.slice(0, 20).map((id, i) => html`${i ? html`<br>` : ''}${deviceLink(id, names.get(id))}`)}${a.deviceIds.length > 20 ? html`<br><span class="muted">and ${a.deviceIds.length - 20} more</span>` : ''}</td>
<td>${a.summary}${alertEvidence(a)}</td><td>${ago(a.createdAt, now)}<br><span class="muted">updated ${ago(a.updatedAt, now)}</span></td><td class="actions">${alertActions(a, session)}</td></tr>`,
  )}</table>`;
}

export const alertsPageSize = 500;

/** `older`: the id below which the next page starts, when there is one. */
export function alertsPage(tab: AlertTab, alerts: readonly Alert[], names: Map<string, string>, session: Session, now: Date, older?: number): string {
  return page(
    'Alerts',
    html`<h1>Alerts</h1>
<p class="tabs">${alertTabs.map((t) => html`<a href="/dashboard/alerts?status=${t}"${t === tab ? html` class="active"` : ''}>${t}</a>`)}</p>
<p class="muted">Co-location alerts (the farm itself) first, then by severity. Cases gather these alerts per device and cluster: <a href="/dashboard/cases">Cases</a>.</p>
<div class="scroll">${alertRows(alerts, names, session, now)}</div>${older === undefined ? '' : html`<p class="muted">${alertsPageSize} are shown, newest first. <a href="/dashboard/alerts?status=${tab}&amp;before=${older}">Older alerts</a></p>`}`,
    session,
    'alerts',
  );
}
