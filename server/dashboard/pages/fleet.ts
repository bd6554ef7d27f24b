import { ago, levelBadge, levelClass, levelNames } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import { histogramSvg } from '../svg.js';
import type { FleetDevice, FleetOverview } from '../../db/records.js';
import { deviceLink } from './common.js';
import type { LimitName, ThrottledKey } from '../../limits/throttle-log.js';
import type { Case } from '../../cases/store.js';
import { hardwareCollectors } from '../../../rules/blind-spots.js';
import { casesTable } from './cases.js';
import { platformName, plural } from '../format.js';

/** The fleet page's case and blind-spot view: open cases first, and an optional filter by a blind collector. */
export interface FleetExtras {
  open: readonly Case[];
  caseNames: ReadonlyMap<string, string>;
  blindOf: ReadonlyMap<string, readonly string[] | null>;
  topFinding: ReadonlyMap<string, string>;
  blind?: string | undefined;
  onlyBlind?: ReadonlySet<string> | undefined;
}

export interface ThrottledView {
  totals: ReadonlyMap<LimitName, number>;
  recent: readonly ThrottledKey[];
}

const limitLabels: Record<LimitName, string> = {
  reports: 'reports (per device)',
  enrollPerSecret: 'enrollments (per secret)',
  enrollGuesses: 'wrong enroll secrets (per address)',
  adminGuesses: 'wrong admin tokens (per address)',
};

/** Requests refused by a rate limit since this server started: a flooding device or a guesser shows here. */
function throttledPanel(t: ThrottledView, now: Date): Html {
  const total = [...t.totals.values()].reduce((a, b) => a + b, 0);
  if (!total) return html`<div class="panel" id="throttled"><h2>Throttled</h2><p class="muted">No request refused by a rate limit since this server started.</p></div>`;
  const keyCell = (k: ThrottledKey) => (k.limit === 'reports' ? deviceLink(k.key, undefined) : html`<code>${k.key}</code>`);
  return html`<div class="panel" id="throttled"><h2>Throttled</h2><p class="muted">Requests refused (429) since this server started, by limit (<code>limits</code> in the policy).</p>
<table><tr><th>Limit</th><th>Refused</th></tr>${[...t.totals].map(([l, n]) => html`<tr><td>${limitLabels[l]}</td><td>${n}</td></tr>`)}</table>
<table><tr><th>Who</th><th>Limit</th><th>Refused</th><th>Last</th></tr>${t.recent.map(
    (k) => html`<tr><td>${keyCell(k)}</td><td>${k.limit}</td><td>${k.refused}</td><td>${ago(new Date(k.lastMs).toISOString(), now)}</td></tr>`,
  )}</table></div>`;
}

export function fleetPage(o: FleetOverview, openAlerts: number, graceHours: number, session: Session, now: Date, throttled?: ThrottledView, x?: FleetExtras): string {
  const levels = [...levelNames].reverse();
  const cards = [...levels, 'unknown'].map(
    (l) => html`<div class="card"><div class="n">${o.byLevel[l] ?? 0}</div><div class="k"><span class="badge level-${levelClass(l)}">${l === 'unknown' ? 'no report' : l}</span></div></div>`,
  );
  const overdue = (d: FleetDevice) => d.enrolled && d.nextReportBy !== null && Date.parse(d.nextReportBy) < now.getTime();
  const silentIds = new Set(o.silent.map((d) => d.deviceId));
  const blindCell = (d: FleetDevice) => {
    const b = x?.blindOf.get(d.deviceId);
    if (b === null || b === undefined) return html`<span class="muted" title="the latest report carried no snapshot (agent setting report.snapshot)">not known</span>`;
    return b.length ? html`<span class="blind-list">${b.join(', ')}</span>` : html`<span class="muted">–</span>`;
  };
  const row = (d: FleetDevice) =>
    html`<tr${overdue(d) ? html` class="overdue"` : ''}><td>${deviceLink(d.deviceId, d.hostname)}${silentIds.has(d.deviceId) ? html` <span class="badge silent">silent</span>` : ''}</td><td>${platformName(d.platform)}</td>
<td><strong>${d.score ?? '–'}</strong> ${levelBadge(d.level)}${d.agentScore !== null && d.agentScore !== d.score ? html`<br><small class="muted" title="the agent's own score of the same report">agent ${d.agentScore}</small>` : ''}</td>
<td>${x?.topFinding.get(d.deviceId) ?? html`<span class="muted">–</span>`}</td><td>${blindCell(d)}</td><td>${ago(d.lastSeen, now)}</td><td>${
      d.enrolled ? html`${ago(d.nextReportBy, now)}${overdue(d) ? html` <span class="badge overdue">overdue</span>` : ''}` : html`<span class="muted">reset</span>`
    }</td></tr>`;
  const head = html`<tr><th>Device</th><th>Platform</th><th>Server verdict</th><th>Top finding</th><th>Blind spots</th><th>Last seen</th><th>Next report due</th></tr>`;
  const shown = x?.onlyBlind ? o.devices.filter((d) => x.onlyBlind?.has(d.deviceId)) : o.devices;
  const filters = html`<p class="tabs" id="blind-filter">Show: <a href="/dashboard/"${x?.blind ? '' : html` class="active"`}>all</a>${[...hardwareCollectors].map(
    (c) => html` <a href="/dashboard/?blind=${c}"${x?.blind === c ? html` class="active"` : ''}>blind on ${c}</a>`,
  )}</p>`;
  return page(
    'Fleet',
    html`<h1>Fleet</h1>
${x ? html`<h2>Open cases</h2><div class="scroll">${casesTable(x.open.slice(0, 50), x.caseNames, now)}</div>${x.open.length > 50 ? html`<p class="muted"><a href="/dashboard/cases">All ${x.open.length} open cases</a></p>` : ''}` : ''}
<div class="cards"><div class="card"><div class="n">${o.total}</div><div class="k">${plural(o.total, 'device', 'devices')}</div></div>${cards}
<div class="card"><div class="n"><a href="/dashboard/alerts">${openAlerts}</a></div><div class="k">open ${plural(openAlerts, 'alert', 'alerts')}</div></div>
<div class="card"><div class="n">${o.silent.length}</div><div class="k">silent ${plural(o.silent.length, 'agent', 'agents')}</div></div></div>
<div class="row"><div class="panel"><h2>Score histogram</h2>${histogramSvg(o.histogram)}<p class="muted">The server's verdict.</p></div>
<div class="panel" id="silent"><h2>Silent agents</h2>${
      o.silent.length
        ? html`<p class="muted">Enrolled devices whose promised report is more than ${graceHours} h late (<code>silentGraceHours</code>, the threshold of <code>fleet.silent-agent</code>).</p><table><tr><th>Device</th><th>Last seen</th><th>Report was due</th></tr>${o.silent.map(
            (d) => html`<tr><td>${deviceLink(d.deviceId, d.hostname)}</td><td>${ago(d.lastSeen, now)}</td><td>${ago(d.nextReportBy, now)}</td></tr>`,
          )}</table>`
        : html`<p class="muted">None: no enrolled agent is more than ${graceHours} h late.</p>`
    }</div>${throttled ? throttledPanel(throttled, now) : ''}</div>
<h2>Devices by score</h2><p class="muted">Scores are the server's verdict (it re-scores every report under its own policy); the agent's own score is shown below when it differs. A blind spot is a collector that saw nothing (no USB bus, no display, no permission): the hardware rules could not look there.</p>
${filters}${o.devices.length < o.total ? html`<p class="muted">The ${o.devices.length} highest of ${o.total}.</p>` : ''}
<div class="scroll"><table id="devices">${head}${shown.map(row)}</table></div>${shown.length ? '' : html`<p class="muted">No listed device matches.</p>`}`,
    session,
    'fleet',
  );
}
