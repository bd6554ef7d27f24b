import { ruleLabel } from '../../../rules/registry.js';
import { ago, attackLinks, evidenceList, levelBadge } from '../format.js';
import { html, type Html } from '../html.js';
import { actionButton, page } from '../layout.js';
import type { Session } from '../sessions.js';
import type { Alert } from '../../storage/types.js';
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

export function alertRows(alerts: readonly Alert[], names: Map<string, string>, session: Session, now: Date): Html {
  if (!alerts.length) return html`<p class="muted">No alerts here.</p>`;
  return html`<table class="alerts"><tr><th>#</th><th>Rule</th><th>Severity</th><th>Status</th><th>Devices</th><th>Summary and evidence</th><th>Since</th><th></th></tr>${alerts.map(
    (a) => html`<tr id="alert-${a.id}"><td>${a.id}</td><td>${ruleCell(a.rule)}</td><td>${levelBadge(a.severity)}</td><td><span class="badge status">${a.status}</span></td>
<td>${a.deviceIds.slice(0, 20).map((id, i) => html`${i ? html`<br>` : ''}${deviceLink(id, names.get(id))}`)}${a.deviceIds.length > 20 ? html`<br><span class="muted">and ${a.deviceIds.length - 20} more</span>` : ''}</td>
<td>${a.summary}<details><summary>evidence</summary>${evidenceList(a.evidence)}</details></td><td>${ago(a.createdAt, now)}<br><span class="muted">updated ${ago(a.updatedAt, now)}</span></td><td class="actions">${alertActions(a, session)}</td></tr>`,
  )}</table>`;
}

export const alertsPageSize = 500;

/** `older`: the id below which the next page starts, when there is one. */
export function alertsPage(tab: AlertTab, alerts: readonly Alert[], names: Map<string, string>, session: Session, now: Date, older?: number): string {
  return page(
    'Alerts',
    html`<h1>Alerts</h1>
<p class="tabs">${alertTabs.map((t) => html`<a href="/dashboard/alerts?status=${t}"${t === tab ? html` class="active"` : ''}>${t}</a>`)}</p>
${alertRows(alerts, names, session, now)}${older === undefined ? '' : html`<p class="muted">${alertsPageSize} are shown, newest first. <a href="/dashboard/alerts?status=${tab}&amp;before=${older}">Older alerts</a></p>`}`,
    session,
    'alerts',
  );
}
