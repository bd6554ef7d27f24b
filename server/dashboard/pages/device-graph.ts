import type { Cluster } from '../../../rules/fleet/index.js';
import { shortPlace } from '../format.js';
import { html, type Html } from '../html.js';
import { deviceLink } from './common.js';

/** The device's new-hire window: its first `days` days after enrollment (policy thresholds.newHireDays). */
export interface NewHireWindow {
  days: number;
  enrolledAt: string;
  /** ISO end of the window. */
  until: string;
  open: boolean;
}

/** Pure: the window of a device enrolled at `enrolledAt`, or null when the policy sets 0 days or the date is unreadable. */
export function newHireWindow(enrolledAt: string, days: number, now: Date): NewHireWindow | null {
  const t = Date.parse(enrolledAt);
  if (!Number.isFinite(t) || !Number.isFinite(days) || days <= 0) return null;
  const end = t + days * 86_400_000;
  return { days, enrolledAt, until: new Date(end).toISOString(), open: now.getTime() < end };
}

export function newHirePanel(w: NewHireWindow | null, now: Date): Html | string {
  if (!w) return '';
  if (!w.open) return html`<p class="muted new-hire">New-hire window (${w.days} days after enrollment) ended ${w.until.slice(0, 10)}.</p>`;
  const day = Math.floor((now.getTime() - Date.parse(w.enrolledAt)) / 86_400_000) + 1;
  return html`<div class="panel new-hire" id="new-hire"><h2>New-hire window <span class="badge status">day ${day} of ${w.days}</span></h2>
<p>Enrolled ${w.enrolledAt.slice(0, 10)}; the window ends ${w.until.slice(0, 10)}. Remote-control tools found in the device's first day are <strong>present since enrollment</strong>, not its normal state: the baseline never absorbs them and <code>baseline.new-remote-tool</code> keeps naming them.</p></div>`;
}

const reasonText: Record<string, string> = { 'co-location': 'co-location', 'shared-operator': 'shared operator', 'shared-peripheral': 'shared peripheral' };

/** The device's cluster: its laptops and, per edge, why two laptops are joined (the alerts and the keys they share). */
export function clusterPanel(deviceId: string, cluster: Cluster | null | undefined, names: Map<string, string>): Html {
  if (!cluster) return html`<h2>Cluster</h2><p class="muted">This device is in no cluster: no co-location, shared operator or shared peripheral joins it to another laptop.</p>`;
  const edges = cluster.edges.filter((e) => e.a === deviceId || e.b === deviceId).slice(0, 100);
  return html`<h2>Cluster</h2><div class="panel cluster" id="device-cluster"><p>${cluster.deviceIds.length} laptops joined by ${cluster.reasons.map((r, i) => html`${i ? ', ' : ''}${reasonText[r] ?? r}`)}:
${cluster.deviceIds.slice(0, 100).map((id, i) => html`${i ? ', ' : ''}${deviceLink(id, names.get(id))}`)}</p>
<table><tr><th>Joined to</th><th>Reasons</th></tr>${edges.map((e) => {
    const other = e.a === deviceId ? e.b : e.a;
    return html`<tr><td>${deviceLink(other, names.get(other))}</td><td>${e.reasons.map(
      (r, i) => html`${i ? html`<br>` : ''}${reasonText[r.reason] ?? r.reason} (<code>${r.rule}</code>, alert #${r.alertId})${r.keys.slice(0, 3).map((k) => {
        const at = k.indexOf(':');
        return html` ${k.slice(0, at + 1)}${shortPlace(k.slice(at + 1))}`;
      })}`,
    )}</td></tr>`;
  })}</table></div>`;
}
