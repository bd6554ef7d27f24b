import { placeKinds, shortPlace } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import type { PlaceRow } from '../../places/book.js';

const roles = ['office', 'ignored', 'none'] as const;

function roleForm(kind: string, value: string, current: string | null, label: string | null, session: Session) {
  return html`<form class="inline" method="post" action="/dashboard/places"><input type="hidden" name="csrf" value="${session.csrf}"><input type="hidden" name="kind" value="${kind}"><input type="hidden" name="value" value="${value}"><select name="role" aria-label="role">${roles.map(
    (r) => html`<option value="${r}"${(current ?? 'none') === r ? html` selected` : ''}>${r}</option>`,
  )}</select> <input name="label" value="${label ?? ''}" placeholder="label" aria-label="label" maxlength="200"> <button type="submit">Save</button></form>`;
}

/** Office and ignored places, learned and declared: each editable (a new policy version), and a form to declare one. */
export function placesPage(places: readonly PlaceRow[], session: Session): string {
  const rows = places.length
    ? html`<table class="places"><tr><th>Kind</th><th>Place</th><th>Role</th><th>Origin</th><th>First seen</th><th>Change</th></tr>${places.map(
        (p) => html`<tr id="place-${p.kind}-${p.value.slice(0, 16)}"><td>${placeKinds[p.kind] ?? p.kind}</td><td>${shortPlace(p.value)}${p.label ? html`<br><span class="muted">${p.label}</span>` : ''}</td><td><span class="badge status">${p.role ?? 'none'}</span></td><td>${p.origin}${p.firstSourceIp ? html`<br><span class="muted">first from ${p.firstSourceIp}</span>` : ''}</td><td>${p.firstSeen ?? '–'}</td><td class="actions">${roleForm(p.kind, p.value, p.role, p.label, session)}</td></tr>`,
      )}</table>`
    : html`<p class="muted">No office or ignored place yet. Routers and access points first seen from an <code>officeNetworks</code> address are learned as offices.</p>`;
  const declare = html`<form method="post" action="/dashboard/places"><input type="hidden" name="csrf" value="${session.csrf}"><select name="kind" aria-label="kind">${Object.entries(placeKinds).map(
    ([k, label]) => html`<option value="${k}">${label}</option>`,
  )}</select> <input name="value" required maxlength="128" placeholder="hash or address, as alerts show it" aria-label="value"> <select name="role" aria-label="role">${roles.map((r) => html`<option value="${r}">${r}</option>`)}</select> <input name="label" maxlength="200" placeholder="label" aria-label="label"> <button type="submit">Declare</button></form>`;
  return page(
    'Places',
    html`<h1>Places</h1><p class="muted">Office and ignored places are exempt from co-location, shared-fingerprint and neighbour rules (docs/geo.md, <em>What each setting exempts</em>). <code>none</code> makes a learned office count again. A change writes a new version of the central policy (key <code>places</code>).</p>${rows}<h2>Declare a place</h2>${declare}`,
    session,
    'places',
  );
}
