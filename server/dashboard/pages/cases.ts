import type { Case } from '../../cases/store.js';
import { resolutions, resolutionText } from '../../cases/store.js';
import type { Dossier } from '../../cases/dossier.js';
import { ago, levelBadge } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import { blindSpotsPanel, breakdownPanel, findingsTable, timelineList } from '../parts.js';
import type { Session } from '../sessions.js';
import { alertRows } from './alerts.js';
import { deviceLink } from './common.js';

export const caseHref = (id: number) => `/dashboard/cases/${id}`;

const stateBadge = (c: Case) => html`<span class="badge state-${c.state}">${c.state}${c.reason ? `: ${resolutionText[c.reason]}` : ''}</span>`;

/** Cases, most urgent first, each with its one line of why. */
export function casesTable(cases: readonly Case[], names: ReadonlyMap<string, string>, now: Date): Html {
  if (!cases.length) return html`<p class="muted">No case here.</p>`;
  return html`<table class="cases"><tr><th>Case</th><th>Severity</th><th>State</th><th>Devices</th><th>Why</th><th>Assignee</th><th>Changed</th></tr>${cases.map(
    (c) => html`<tr><td><a href="${caseHref(c.id)}">#${c.id}</a>${c.kind === 'cluster' ? html` <span class="badge status">cluster</span>` : ''}</td><td>${levelBadge(c.severity)}</td><td>${stateBadge(c)}</td>
<td>${c.deviceIds.slice(0, 5).map((id, i) => html`${i ? ', ' : ''}${deviceLink(id, names.get(id))}`)}${c.deviceIds.length > 5 ? html` <span class="muted">+${c.deviceIds.length - 5}</span>` : ''}</td>
<td>${c.why}</td><td>${c.assignee ?? html`<span class="muted">–</span>`}</td><td>${ago(c.updatedAt, now)}</td></tr>`,
  )}</table>`;
}

export const caseTabs = ['open', 'new', 'investigating', 'resolved'] as const;
export type CaseTab = (typeof caseTabs)[number];

export function casesPage(tab: CaseTab, cases: readonly Case[], names: ReadonlyMap<string, string>, session: Session, now: Date): string {
  return page(
    'Cases',
    html`<h1>Cases</h1><p class="muted">One case per device, and one per co-location cluster, gathering its alerts. Acknowledging or resolving a case acts on its alerts; the alerts stay for the SIEM.</p>
<p class="tabs">${caseTabs.map((t) => html`<a href="/dashboard/cases?state=${t}"${t === tab ? html` class="active"` : ''}>${t}</a>`)}</p>${casesTable(cases, names, now)}`,
    session,
    'cases',
  );
}

function csrf(session: Session): Html {
  return html`<input type="hidden" name="csrf" value="${session.csrf}">`;
}

function caseActions(c: Case, session: Session): Html {
  const base = caseHref(c.id);
  const investigate =
    c.state !== 'investigating'
      ? html`<form class="inline" method="post" action="${base}/state">${csrf(session)}<input type="hidden" name="state" value="investigating"><button type="submit" class="primary">${
          c.state === 'resolved' ? 'Reopen' : 'Investigate (acknowledge its alerts)'
        }</button></form>`
      : '';
  const resolve =
    c.state !== 'resolved'
      ? html`<form class="inline" method="post" action="${base}/state">${csrf(session)}<input type="hidden" name="state" value="resolved"><label for="reason">Resolve as</label>
<select id="reason" name="reason" required>${resolutions.map((r) => html`<option value="${r}">${resolutionText[r]}</option>`)}</select> <button type="submit">Resolve</button></form>`
      : '';
  return html`<div class="actions-row">${investigate} ${resolve}</div>
<div class="actions-row"><form class="inline" method="post" action="${base}/assign">${csrf(session)}<label for="assignee">Assignee</label> <input id="assignee" name="assignee" maxlength="100" value="${c.assignee ?? ''}"> <button type="submit">Assign</button></form>
<a class="button" id="export" href="${base}/export">Export for HR/legal</a></div>`;
}

export function casePage(d: Dossier, session: Session, now: Date): string {
  const c = d.case;
  const names = new Map(d.devices.map((x) => [x.deviceId, x.hostname]));
  return page(
    `Case ${c.id}`,
    html`<h1>Case #${c.id} ${levelBadge(c.severity)} ${stateBadge(c)}</h1>
<p class="why">${c.why}</p>
<p class="muted">${c.kind === 'cluster' ? 'A co-location cluster' : 'A device'} · opened ${ago(c.createdAt, now)} · changed ${ago(c.updatedAt, now)} · assignee ${c.assignee ?? '–'}</p>
<div class="panel" id="case-actions"><h2>Decide</h2>${caseActions(c, session)}
<p class="muted">The export is one HTML file with the devices, the timeline, every finding with its evidence and the rules' descriptions and false positives. It holds personal data: every export is logged on this case.</p></div>
${d.devices.map(
  (x) => html`<section class="device-file" id="device-${x.deviceId}"><h2>${deviceLink(x.deviceId, x.hostname)}</h2>
<div class="panel"><h3>Score</h3>${breakdownPanel(x.breakdown)}</div>
<h3>Findings of the latest report</h3>${findingsTable(x.findings)}
<div class="panel"><h3>What the agent could not see</h3>${blindSpotsPanel(x.blind)}</div></section>`,
)}
<h2>Timeline</h2>${timelineList(d.timeline, now, names)}
<div class="panel"><h2>Notes</h2><form method="post" action="${caseHref(c.id)}/notes">${csrf(session)}<label for="note">Add a note</label><br><textarea id="note" name="text" rows="3" maxlength="4000" required></textarea><br><button type="submit">Add note</button></form></div>
<h2>Alerts</h2>${alertRows(d.alerts, names, session, now)}`,
    session,
    'cases',
  );
}
