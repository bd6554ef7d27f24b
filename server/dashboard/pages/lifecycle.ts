import { ago, deviceHref, levelBadge } from '../format.js';
import { html, type Html } from '../html.js';
import { actionButton, page } from '../layout.js';
import type { Session } from '../sessions.js';
import type { DeviceStanding, PendingEnrollment } from '../../lifecycle/storage-types.js';

export const deviceActions = ['rotate', 'revoke', 'decommission', 'reset'] as const;
export type DeviceAction = (typeof deviceActions)[number];

const actionLabel: Record<DeviceAction, string> = {
  rotate: 'Rotate token',
  revoke: 'Revoke',
  decommission: 'Decommission',
  reset: 'Reset for re-enrollment',
};

/** The server's verdict beside the agent's own, the device's standing, and its lifecycle actions. */
export function standingPanel(deviceId: string, agent: { score: number | null; level: string | null }, standing: DeviceStanding | null, session: Session): Html {
  const base = `${deviceHref(deviceId)}/`;
  const actions = deviceActions.map((a) => actionButton(`${base}${a}`, actionLabel[a], session));
  if (!standing) return html`<div class="panel" id="standing"><h2>Standing and lifecycle</h2><p class="muted">Not known to the lifecycle store.</p>${actions}</div>`;
  const disagree = standing.serverScore !== null && agent.score !== null && standing.serverScore - agent.score >= 30;
  return html`<div class="panel" id="standing"><h2>Standing and lifecycle</h2>
<p>Server verdict: <strong>${standing.serverScore ?? '–'}</strong> ${levelBadge(standing.serverLevel)} · the agent reported ${agent.score ?? '–'} ${levelBadge(agent.level)}${
    disagree ? html` <span class="badge status">agent far below the server</span>` : ''
  }</p>
<p>Status <span class="badge status">${standing.status}</span>${standing.statusAt ? html` since ${standing.statusAt}` : ''} · reports ${
    standing.signed ? 'signed' : 'unsigned'
  }</p>
<dl class="explained"><dt>clock skew</dt><dd>${
    standing.clockSkewS === null ? html`<span class="muted">not measured yet: the server measures it on a report it can time (the laptop's clock against its own)</span>` : `${standing.clockSkewS} s (the laptop's clock against the server's)`
  }</dd>
<dt>policy version</dt><dd>${
    standing.policyVersion === null ? html`<span class="muted">none: the agent has not applied a central policy (it runs its local configuration only)</span>` : `${standing.policyVersion} (the central policy the agent last applied)`
  }</dd></dl>
<p>${actions}</p>
<p class="muted">Rotate shows a new token once (the old one is refused at once); revoke refuses the device's reports until a reset;
decommission also resolves its alerts and never reports it silent; reset lets the device enroll again (a reimaged laptop).</p></div>`;
}

export function rotatedPage(deviceId: string, token: string, session: Session): string {
  return page(
    'Token rotated',
    html`<h1>Token rotated</h1><p>The old token of <a href="${deviceHref(deviceId)}">${deviceId}</a> is refused from now on.
The new token is shown once; put it in the device's <code>enrollment.json</code>, or reset the device and enroll it again.</p>
<pre><code>${token}</code></pre>`,
    session,
  );
}

/** Approve names the key the admin read on this page: the server refuses it if the entry's key is another. */
function approveButton(p: PendingEnrollment, session: Session): Html {
  return html`<form class="inline" method="post" action="/dashboard/enrollments/${p.id}/approve"><input type="hidden" name="csrf" value="${session.csrf}"><input type="hidden" name="keyFingerprint" value="${p.keyFingerprint ?? ''}"><button type="submit" class="primary">Approve key ${p.keyFingerprintShort ?? ''}</button></form>`;
}

function keyCell(p: PendingEnrollment): Html {
  if (!p.keyFingerprint) return html`<span class="muted">no signing key: cannot be approved</span>`;
  return html`<code>${p.keyFingerprintShort}</code><br><small class="muted"><code>${p.keyFingerprint}</code></small>`;
}

export function pendingPage(pending: readonly PendingEnrollment[], session: Session, now: Date): string {
  const rows = pending.map(
    (p) => html`<tr><td>${p.id}</td><td><code>${p.deviceId}</code></td><td>${p.hostname}</td><td>${keyCell(p)}</td><td>${p.reason}</td><td>${ago(p.createdAt, now)}</td><td>${p.status}</td>
<td>${p.status === 'pending' ? html`${p.keyFingerprint ? approveButton(p, session) : ''} ${actionButton(`/dashboard/enrollments/${p.id}/deny`, 'Deny', session)}` : ''}</td></tr>`,
  );
  return page(
    'Enrollments',
    html`<h1>Enrollments waiting for approval</h1><p class="muted">Enrollments that collide with a known device, the same hardware under another id, or a placeholder serial.
Approving lets only the laptop holding the key shown complete the enrollment. Ask the laptop's user to read the key that
<code>farmwatch enroll</code> printed, and approve only when it matches: anyone can ask under a device's id.</p>
${pending.length ? html`<table><tr><th>#</th><th>Device id</th><th>Hostname</th><th>Signing key</th><th>Why</th><th>Requested</th><th>Status</th><th></th></tr>${rows}</table>` : html`<p class="muted">None.</p>`}`,
    session,
    'enrollments',
  );
}
