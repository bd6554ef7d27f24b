import { createHash } from 'node:crypto';
import { levelBadge } from './format.js';
import { html, Html } from './html.js';
import { blindSpotsPanel, breakdownPanel, findingsTable, timelineList } from './parts.js';
import type { Dossier } from '../cases/dossier.js';
import { registeredRule } from '../../rules/registry.js';
import { resolutionText } from '../cases/store.js';

/**
 * A case for HR and legal: one self-contained HTML file, printable to PDF. It holds personal data, so it is built
 * like a dashboard page (every agent-chosen string through one escape) and carries its own strict policy: no script,
 * no network, only its one inline stylesheet (allowed by hash), so a file opened from a mail client runs nothing.
 */
const style = `body{font:13px/1.45 system-ui,sans-serif;color:#1d2330;margin:24px;max-width:1000px}
h1{font-size:20px}h2{font-size:16px;margin-top:24px;border-bottom:1px solid #dde1e8}h3{font-size:14px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border:1px solid #dde1e8;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef1f5}code{font:12px ui-monospace,monospace}.muted{color:#6b7383}
.badge{display:inline-block;padding:0 6px;border-radius:8px;font-size:11px;font-weight:600;color:#fff;background:#5d6b85}
.level-none{background:#9aa3b2}.level-low{background:#4f9d69}.level-medium{background:#d4a017}.level-high{background:#e0662b}.level-critical{background:#c62d3a}
.sides{display:flex;gap:16px;flex-wrap:wrap}.side{flex:1 1 300px}ol.timeline{padding-left:18px}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}`;

const styleHash = createHash('sha256').update(style).digest('base64');
export const exportCsp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; form-action 'none'; base-uri 'none'`;

export function exportHtml(d: Dossier, now: Date, exportedBy: string): string {
  const c = d.case;
  const names = new Map(d.devices.map((x) => [x.deviceId, x.hostname]));
  const rules = [...new Set([...d.alerts.map((a) => a.rule), ...d.devices.flatMap((x) => x.findings.map((f) => f.rule))])];
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${exportCsp}">
<meta name="referrer" content="no-referrer"><title>farmwatch case ${c.id}</title><style>${new Html(style)}</style></head>
<body><h1>Case ${c.id}: ${c.kind === 'cluster' ? 'co-location cluster' : 'device'} ${levelBadge(c.severity)}</h1>
<p>${c.why}</p>
<table><tr><th>State</th><td>${c.state}${c.reason ? ` (${resolutionText[c.reason]})` : ''}</td></tr><tr><th>Assignee</th><td>${c.assignee ?? '–'}</td></tr>
<tr><th>Opened</th><td>${c.createdAt}</td></tr><tr><th>Last change</th><td>${c.updatedAt}</td></tr>
<tr><th>Exported</th><td>${now.toISOString()} by ${exportedBy}</td></tr></table>
<p class="muted">Contains personal data about the users of these devices: handle under your organisation's HR and legal rules.</p>
${d.devices.map(
  (x) => html`<h2>Device ${x.hostname}</h2>
<table><tr><th>Device id</th><td><code>${x.deviceId}</code></td></tr><tr><th>Platform · agent</th><td>${x.detail?.device.platform ?? '–'} · ${x.detail?.device.agentVersion ?? '–'}</td></tr>
<tr><th>Enrolled</th><td>${x.detail?.device.enrolledAt ?? '–'}</td></tr><tr><th>Last seen</th><td>${x.detail?.device.lastSeen ?? '–'}${x.detail?.device.lastSourceIp ? ` from ${x.detail.device.lastSourceIp}` : ''}</td></tr></table>
<h3>Score</h3>${breakdownPanel(x.breakdown)}
<h3>Findings of the latest report</h3>${findingsTable(x.findings, true)}
<h3>What the agent could not see</h3>${blindSpotsPanel(x.blind)}`,
)}
<h2>Timeline</h2>${timelineList(d.timeline, now, names, true)}
<h2>Alerts</h2>${
    d.alerts.length
      ? html`<table><tr><th>#</th><th>Rule</th><th>Severity</th><th>Status</th><th>Summary</th><th>Opened</th></tr>${d.alerts.map(
          (a) => html`<tr><td>${a.id}</td><td><code>${a.rule}</code></td><td>${levelBadge(a.severity)}</td><td>${a.status}</td><td>${a.summary}</td><td>${a.createdAt}</td></tr>`,
        )}</table>`
      : html`<p class="muted">None.</p>`
  }
<h2>The rules</h2>${rules.map((id) => {
    const t = registeredRule(id);
    return html`<h3>${t?.title ?? id} <code>${id}</code></h3><p>${t?.description ?? 'A rule this server does not describe.'}</p>${
      t?.falsePositives.length ? html`<p>Known false positives:</p><ul>${t.falsePositives.map((fp) => html`<li>${fp}</li>`)}</ul>` : ''
    }`;
  })}
</body></html>`.text;
}
