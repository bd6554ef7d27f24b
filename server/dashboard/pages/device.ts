import { ago, levelBadge, platformName, valueText } from '../format.js';
import { html, type Html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import { scoreChartSvg } from '../svg.js';
import type { Alert, DeviceDetail } from '../../db/records.js';
import type { DeviceStanding } from '../../lifecycle/storage-types.js';
import type { DeviceFile } from '../../cases/dossier.js';
import type { Case } from '../../cases/store.js';
import { blindSpotsPanel, breakdownPanel, findingsTable } from '../parts.js';
import { alertRows } from './alerts.js';
import { casesTable } from './cases.js';
import { standingPanel } from './lifecycle.js';
import { clusterPanel, newHirePanel, type NewHireWindow } from './device-graph.js';
import type { Cluster } from '../../../rules/fleet/index.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** A report the agent cut to fit the server's body limit says so: what went, and that the server kept what it could not re-check. */
function truncationNote(truncated: unknown): Html | string {
  if (!isObj(truncated)) return '';
  const cuts = Array.isArray(truncated.cuts) ? truncated.cuts.filter(isObj) : [];
  return html`<p class="muted"><span class="badge status">truncated</span> The agent trimmed the latest report to fit the server's body limit (${valueText(truncated.bytesBefore, 20)} bytes as built):
${cuts.slice(0, 20).map((c, i) => html`${i ? ', ' : ''}<code>${valueText(c.path, 100)}</code> −${valueText(c.removed, 20)}`)}. Findings the server could not re-check on the trimmed snapshot are kept from the agent.</p>`;
}

export function devicePage(
  detail: DeviceDetail,
  file: DeviceFile,
  alerts: readonly Alert[],
  names: Map<string, string>,
  session: Session,
  now: Date,
  standing: DeviceStanding | null = null,
  cases: readonly Case[] = [],
  silent = false,
  graph: { cluster?: Cluster | null; newHire?: NewHireWindow | null } = {},
): string {
  const d = detail.device;
  // The server's verdict leads (the laptop's user may be the adversary); the agent's own score is shown beside it.
  const score = file.latest?.serverScore ?? standing?.serverScore ?? d.serverScore ?? d.score;
  const level = file.latest?.serverLevel ?? standing?.serverLevel ?? d.serverLevel ?? d.level;
  const simulated = d.hostname.startsWith('SIMULATED-');
  const overdue = d.enrolled && d.nextReportBy !== null && Date.parse(d.nextReportBy) < now.getTime();
  // The chart draws the server's verdict per report where it was logged, the agent's score before that.
  const logged = new Map(file.history.map((h) => [h.reportId, h.serverScore]));
  const points = [...detail.history].reverse().map((h) => ({ at: h.collectedAt, score: logged.get(h.reportId) ?? h.score }));
  const names2 = new Map([[d.deviceId, d.hostname]]);
  return page(
    d.hostname,
    html`<h1>${d.hostname} ${levelBadge(level)}${silent ? html` <span class="badge silent">silent</span>` : ''}${simulated ? html` <span class="badge simulated">simulated by farmwatch demo</span>` : ''}</h1>
<div class="cards"><div class="card"><div class="n">${score ?? '–'}</div><div class="k">score (server)${d.score !== null && d.score !== score ? html` · agent ${d.score}` : ''}</div></div>
<div class="card"><div class="k">device id</div><code>${d.deviceId}</code></div>
<div class="card"><div class="k">platform · agent</div>${platformName(d.platform)} · ${d.agentVersion}</div>
<div class="card"><div class="k">last seen</div>${ago(d.lastSeen, now)}${d.lastSourceIp ? html` from <code>${d.lastSourceIp}</code>` : ''}</div>
<div class="card${overdue ? ' overdue' : ''}"><div class="k">next report due</div>${ago(d.nextReportBy, now)}${overdue ? html` <span class="badge overdue">overdue</span>` : ''}</div>
<div class="card"><div class="k">enrolled</div>${ago(d.enrolledAt, now)}${d.enrolled ? '' : html` <span class="badge status">reset</span>`}</div></div>
${newHirePanel(graph.newHire ?? null, now)}
${cases.length ? html`<h2>Cases</h2>${casesTable(cases, names2, now)}` : ''}
<div class="panel" id="breakdown"><h2>Why this score</h2>${breakdownPanel(file.breakdown)}</div>
<div class="panel"><h2>Score over time</h2>${scoreChartSvg(points)}<p class="muted">The last ${points.length} reports, as the server scored them.</p></div>
<h2>Findings of the latest report</h2><p class="muted">As the server judged them; the agent's own differences are under "Why this score".</p>${truncationNote(detail.truncated)}<div class="scroll">${findingsTable(file.findings)}</div>
<div class="panel" id="blind-spots"><h2>What the agent could not see</h2>${blindSpotsPanel(file.blind)}</div>
<h2>Alerts</h2><div class="scroll">${alertRows(alerts, names, session, now)}</div>
${clusterPanel(d.deviceId, graph.cluster, names)}
${standingPanel(d.deviceId, { score: d.score, level: d.level }, standing, session)}`,
    session,
  );
}

export function notFoundPage(what: string, session: Session): string {
  return page('Not found', html`<h1>Not found</h1><p>${what}</p><p><a href="/dashboard/">Back to the fleet</a></p>`, session);
}
