import { blindReasonText, hardwareCollectors, type BlindSpots } from '../../rules/blind-spots.js';
import { renderEvidence } from '../../rules/evidence/index.js';
import type { Breakdown, ScoreSide } from '../cases/breakdown.js';
import type { TimelineEntry } from '../cases/timeline.js';
import type { StoredFinding } from '../cases/verdict-log.js';
import { ago, attackLinks, levelBadge } from './format.js';
import { html, type Html } from './html.js';

/**
 * Pieces the device page, the case page and the case export share: evidence in words, the score breakdown, blind
 * spots and the timeline. Everything goes through the `html` tag: what an agent sent stays text.
 */

/** A finding's evidence: the rule's sentence, then the fields as a key/value table (folded on pages, open in print). */
export function evidenceBlock(f: { rule: unknown; evidence?: unknown; subject?: unknown; title?: unknown }, open = false): Html {
  const r = renderEvidence(f.rule, f.evidence, f.subject, f.title);
  const table = r.rows.length
    ? html`<table class="kv">${r.rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</table>`
    : html`<p class="muted">No evidence fields.</p>`;
  return html`<p class="sentence">${r.sentence}</p>${open ? table : html`<details><summary>evidence</summary>${table}</details>`}`;
}

export function findingsTable(findings: readonly StoredFinding[], open = false): Html {
  if (!findings.length) return html`<p class="muted">No findings in the latest report.</p>`;
  return html`<table class="findings"><tr><th>Finding</th><th>Severity</th><th>Weight × confidence</th><th>ATT&amp;CK</th><th>Evidence</th></tr>${findings.slice(0, 200).map(
    (f) => html`<tr><td>${f.title}<br><code class="rule">${f.rule}</code>${f.suppressed ? html` <span class="badge status" title="${f.suppressedBy ?? ''}">sanctioned</span>` : ''}</td>
<td>${levelBadge(f.severity)}</td><td>${(f.weight ?? 0).toFixed(2)} × ${f.confidence.toFixed(2)}</td><td>${attackLinks(f.attack)}</td><td>${evidenceBlock(f, open)}</td></tr>`,
  )}</table>`;
}

function sideTable(side: ScoreSide, who: string): Html {
  return html`<div class="side"><h3>${who}: ${side.score} ${levelBadge(side.level)}</h3>${
    side.lines.length
      ? html`<table class="breakdown"><tr><th>Group</th><th>Finding</th><th>Weight × confidence</th></tr>${side.lines.map(
          (l) => html`<tr><td>${l.group}</td><td>${l.title}</td><td>${l.weight.toFixed(2)} × ${l.confidence.toFixed(2)} = ${l.p.toFixed(2)}</td></tr>`,
        )}</table>`
      : html`<p class="muted">No finding scores.</p>`
  }</div>`;
}

/** Server and agent side by side; when they differ, why, finding by finding. */
export function breakdownPanel(b: Breakdown | null): Html {
  if (!b) return html`<p class="muted">No verdict logged for the latest report yet (reports received before this version show the score only).</p>`;
  const differ = b.server.score !== b.agent.score || b.server.level !== b.agent.level;
  return html`<p class="muted">Groups combine as 1 − ∏(1 − weight × confidence) of each group's strongest finding, × 100.</p>
<div class="sides">${sideTable(b.server, 'Server verdict')}${sideTable(b.agent, "Agent's own score")}</div>${
    differ || b.differences.length
      ? html`<h3>Why they differ</h3>${
          b.differences.length
            ? html`<ul class="why">${b.differences.slice(0, 50).map((d) => html`<li><strong>${d.title}</strong>${d.subject ? html` (${d.subject})` : ''}: ${d.reason}</li>`)}</ul>`
            : html`<p class="muted">The same findings, rounded differently.</p>`
        }`
      : ''
  }`;
}

/** Which collectors saw nothing and why; never "all succeeded" when USB, displays or inputs came back empty. */
export function blindSpotsPanel(b: BlindSpots): Html {
  if (!b.known) return html`<p class="muted">The latest report carried no snapshot (agent setting <code>report.snapshot</code>), so what its collectors saw is not known here.</p>`;
  const hardwareBlind = b.collectors.filter((c) => c.state !== 'ok' && (hardwareCollectors as readonly string[]).includes(c.collector));
  const lead = b.blind.length
    ? html`<p><span class="badge level-medium">${b.blind.length} blind spot${b.blind.length === 1 ? '' : 's'}</span>${
        hardwareBlind.length ? html` The hardware rules (IP-KVM, jiggler) could not look at: ${hardwareBlind.map((c) => c.collector).join(', ')}.` : ''
      }</p>`
    : html`<p class="muted">Every collector ran and returned something.</p>`;
  return html`${lead}<table class="blind"><tr><th>Collector</th><th>Saw</th><th>Why</th></tr>${b.collectors.map(
    (c) => html`<tr class="${c.state === 'ok' ? 'ok' : 'blind'}"><td>${c.collector}</td><td>${c.state === 'ok' ? 'something' : c.state === 'empty' ? 'nothing' : 'did not run'}</td><td>${
      c.reason ? blindReasonText[c.reason] : ''
    }${c.detail ? html`<br><small class="muted">${c.detail}</small>` : ''}</td></tr>`,
  )}</table>`;
}

const kindLabel: Record<TimelineEntry['kind'], string> = {
  score: 'score', place: 'place', alert: 'alert', opened: 'case opened', reopened: 'case reopened', state: 'state', assign: 'assignee', note: 'note', export: 'export',
};

export function timelineList(entries: readonly TimelineEntry[], now: Date, names: ReadonlyMap<string, string>, absolute = false): Html {
  if (!entries.length) return html`<p class="muted">Nothing yet.</p>`;
  return html`<ol class="timeline">${entries.map(
    (e) => html`<li class="t-${e.kind}"><span class="when">${absolute ? e.at : ago(e.at, now)}</span> <span class="badge status">${kindLabel[e.kind]}</span>${
      e.deviceId ? html` <strong>${names.get(e.deviceId) ?? e.deviceId}</strong>` : ''
    } ${e.level ? html`${levelBadge(e.level)} ` : ''}${e.text}${e.actor ? html` <span class="muted">(${e.actor})</span>` : ''}${
      e.added?.length ? html`<br><small>+ ${e.added.join('; ')}</small>` : ''
    }${e.removed?.length ? html`<br><small>− ${e.removed.join('; ')}</small>` : ''}</li>`,
  )}</ol>`;
}
