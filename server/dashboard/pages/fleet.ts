import { ago, levelBadge, levelClass, levelNames } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import { histogramSvg } from '../svg.js';
import type { FleetDevice, FleetOverview } from '../../storage/types.js';
import { deviceLink } from './common.js';
import type { LimitName, ThrottledKey } from '../../limits/throttle-log.js';

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

export function fleetPage(o: FleetOverview, openAlerts: number, graceHours: number, session: Session, now: Date, throttled?: ThrottledView): string {
  const levels = [...levelNames].reverse();
  const cards = [...levels, 'unknown'].map(
    (l) => html`<div class="card"><div class="n">${o.byLevel[l] ?? 0}</div><div class="k"><span class="badge level-${levelClass(l)}">${l === 'unknown' ? 'no report' : l}</span></div></div>`,
  );
  const row = (d: FleetDevice) =>
    html`<tr><td>${deviceLink(d.deviceId, d.hostname)}</td><td>${d.platform}</td><td>${d.score ?? '–'}</td><td>${levelBadge(d.level)}</td><td>${ago(d.lastSeen, now)}</td><td>${d.enrolled ? ago(d.nextReportBy, now) : html`<span class="muted">reset</span>`}</td></tr>`;
  const head = html`<tr><th>Device</th><th>Platform</th><th>Score</th><th>Level</th><th>Last seen</th><th>Next report due</th></tr>`;
  return page(
    'Fleet',
    html`<h1>Fleet</h1>
<div class="cards"><div class="card"><div class="n">${o.total}</div><div class="k">devices</div></div>${cards}
<div class="card"><div class="n"><a href="/dashboard/alerts">${openAlerts}</a></div><div class="k">open alerts</div></div>
<div class="card"><div class="n">${o.silent.length}</div><div class="k">silent agents</div></div></div>
<div class="row"><div class="panel"><h2>Score histogram</h2>${histogramSvg(o.histogram)}</div>
<div class="panel" id="silent"><h2>Silent agents</h2>${
      o.silent.length
        ? html`<p class="muted">Enrolled devices whose promised report is more than ${graceHours} h late (<code>silentGraceHours</code>, the threshold of <code>fleet.silent-agent</code>).</p><table><tr><th>Device</th><th>Last seen</th><th>Report was due</th></tr>${o.silent.map(
            (d) => html`<tr><td>${deviceLink(d.deviceId, d.hostname)}</td><td>${ago(d.lastSeen, now)}</td><td>${ago(d.nextReportBy, now)}</td></tr>`,
          )}</table>`
        : html`<p class="muted">None: no enrolled agent is more than ${graceHours} h late.</p>`
    }</div>${throttled ? throttledPanel(throttled, now) : ''}</div>
<h2>Devices by score</h2>${o.devices.length < o.total ? html`<p class="muted">The ${o.devices.length} highest of ${o.total}.</p>` : ''}
<table id="devices">${head}${o.devices.map(row)}</table>`,
    session,
    'fleet',
  );
}
