import { ago, attackLinks, evidenceList, levelBadge, valueText } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import { scoreChartSvg } from '../svg.js';
import type { Alert, DeviceDetail } from '../../storage/types.js';
import type { DeviceStanding } from '../../lifecycle/storage-types.js';
import { alertRows } from './alerts.js';
import { standingPanel } from './lifecycle.js';
import { clusterPanel, newHirePanel, type NewHireWindow } from './device-graph.js';
import type { Cluster } from '../../../rules/fleet/index.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function findingsTable(findings: readonly unknown[]): Html {
  const list = findings.filter(isObj);
  if (!list.length) return html`<p class="muted">The latest report has no findings.</p>`;
  return html`<table class="findings"><tr><th>Rule</th><th>Title</th><th>Severity</th><th>Confidence</th><th>ATT&amp;CK</th><th>Evidence</th></tr>${list.slice(0, 200).map(
    (f) => html`<tr><td><code>${valueText(f.rule, 100)}</code>${f.suppressed === true ? html`<br><span class="badge status">suppressed</span>` : ''}</td><td>${valueText(f.title, 300)}</td>
<td>${levelBadge(typeof f.severity === 'string' ? f.severity : null)}</td><td>${typeof f.confidence === 'number' ? f.confidence.toFixed(2) : '–'}</td><td>${attackLinks(f.attack)}</td><td>${evidenceList(f.evidence)}</td></tr>`,
  )}</table>`;
}

/** A report the agent cut to fit the server's body limit says so: what went, and that the server kept what it could not re-check. */
function truncationNote(truncated: unknown): Html | string {
  if (!isObj(truncated)) return '';
  const cuts = Array.isArray(truncated.cuts) ? truncated.cuts.filter(isObj) : [];
  return html`<p class="muted"><span class="badge status">truncated</span> The agent trimmed the latest report to fit the server's body limit (${valueText(truncated.bytesBefore, 20)} bytes as built):
${cuts.slice(0, 20).map((c, i) => html`${i ? ', ' : ''}<code>${valueText(c.path, 100)}</code> −${valueText(c.removed, 20)}`)}. Findings the server could not re-check on the trimmed snapshot are kept from the agent.</p>`;
}

/** Collector errors of the latest snapshot; the snapshot travels only when the agent's report.snapshot says so. */
function collectorErrors(report: Obj | null): Html {
  const snapshot = report?.snapshot;
  if (!isObj(snapshot)) return html`<p class="muted">The latest report carried no snapshot (agent setting <code>report.snapshot</code>), so its collector errors are not known here.</p>`;
  const errors = Array.isArray(snapshot.errors) ? snapshot.errors.filter(isObj) : [];
  if (!errors.length) return html`<p class="muted">None: every collector of the latest snapshot succeeded.</p>`;
  return html`<table class="errors"><tr><th>Collector</th><th>Code</th><th>Message</th></tr>${errors.slice(0, 50).map(
    (e) => html`<tr><td>${valueText(e.collector, 100)}</td><td><code>${valueText(e.code, 100)}</code></td><td>${valueText(e.message, 500)}</td></tr>`,
  )}</table>`;
}

export function devicePage(
  detail: DeviceDetail,
  report: Obj | null,
  alerts: readonly Alert[],
  names: Map<string, string>,
  session: Session,
  now: Date,
  standing: DeviceStanding | null = null,
  graph: { cluster?: Cluster | null; newHire?: NewHireWindow | null } = {},
): string {
  const d = detail.device;
  // The server's verdict leads (the laptop's user may be the adversary); the agent's own score is shown beside it.
  const score = standing?.serverScore ?? d.score;
  const level = standing?.serverLevel ?? d.level;
  const simulated = d.hostname.startsWith('SIMULATED-');
  const points = detail.history.map((h) => ({ at: h.collectedAt, score: h.score }));
  return page(
    d.hostname,
    html`<h1>${d.hostname} ${levelBadge(level)}${simulated ? html` <span class="badge simulated">simulated by farmwatch demo</span>` : ''}</h1>
<div class="cards"><div class="card"><div class="n">${score ?? '–'}</div><div class="k">score (server)</div></div>
<div class="card"><div class="k">device id</div><code>${d.deviceId}</code></div>
<div class="card"><div class="k">platform · agent</div>${d.platform} · ${d.agentVersion}</div>
<div class="card"><div class="k">last seen</div>${ago(d.lastSeen, now)}${d.lastSourceIp ? html` from <code>${d.lastSourceIp}</code>` : ''}</div>
<div class="card"><div class="k">next report due</div>${ago(d.nextReportBy, now)}</div>
<div class="card"><div class="k">enrolled</div>${ago(d.enrolledAt, now)}${d.enrolled ? '' : html` <span class="badge status">reset</span>`}</div></div>
${newHirePanel(graph.newHire ?? null, now)}
${standingPanel(d.deviceId, { score: d.score, level: d.level }, standing, session)}
<div class="panel"><h2>Score over time</h2>${scoreChartSvg(points)}<p class="muted">The last ${points.length} reports.</p></div>
<h2>Findings of the latest report</h2>${truncationNote(detail.truncated)}${findingsTable(detail.findings)}
<h2>Collector errors</h2>${collectorErrors(report)}
<h2>Alerts</h2>${alertRows(alerts, names, session, now)}
${clusterPanel(d.deviceId, graph.cluster, names)}`,
    session,
  );
}

export function notFoundPage(what: string, session: Session): string {
  return page('Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/dashboard/">Back to the fleet</a></p>`, session);
}
