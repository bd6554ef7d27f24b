import { ago, placeKinds, shortPlace } from '../format.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import type { Session } from '../sessions.js';
import type { Alert } from '../../db/records.js';
import { alertActions } from './alerts.js';
import { deviceLink } from './common.js';
import type { Cluster } from '../../../rules/fleet/index.js';

const reasonText: Record<string, string> = { 'co-location': 'co-location', 'shared-operator': 'shared operator', 'shared-peripheral': 'shared peripheral' };

/** Laptops joined by co-location, a shared operator or a shared peripheral (server/graph/): members and why. */
function graphClusters(graph: readonly Cluster[], names: Map<string, string>) {
  if (!graph.length) return html`<p class="muted">No cluster: no active co-location, shared-operator or shared-peripheral alert joins two laptops.</p>`;
  return graph.map((c) => {
    const alerts = [...new Map(c.edges.flatMap((e) => e.reasons).map((r) => [r.alertId, r])).values()].sort((a, b) => a.alertId - b.alertId);
    return html`<div class="panel graph-cluster"><h2>${c.deviceIds.length} laptops: ${c.reasons.map((r, i) => html`${i ? ', ' : ''}${reasonText[r] ?? r}`)}</h2>
<p><strong>Devices:</strong> ${c.deviceIds.slice(0, 100).map((id, i) => html`${i ? ', ' : ''}${deviceLink(id, names.get(id))}`)}</p>
<p><strong>Joined by:</strong> ${alerts.slice(0, 50).map((r, i) => html`${i ? '; ' : ''}<code>${r.rule}</code> (alert #${r.alertId}, ${r.keys.length} ${r.keys.length === 1 ? 'key' : 'keys'})`)}</p></div>`;
  });
}

interface PlaceLike {
  kind: string;
  value: string;
}

function placesOf(evidence: Record<string, unknown>): PlaceLike[] {
  const list = Array.isArray(evidence.places) ? evidence.places : [{ kind: evidence.placeKind, value: evidence.place }];
  return list.filter((p): p is PlaceLike => !!p && typeof p === 'object' && typeof (p as PlaceLike).kind === 'string' && typeof (p as PlaceLike).value === 'string');
}

/** fleet.colocation alerts: which laptops, which shared place (HMACs shortened), since when. */
export function clustersPage(clusters: readonly Alert[], names: Map<string, string>, session: Session, now: Date, graph: readonly Cluster[] = []): string {
  const body = clusters.length
    ? clusters.map((a) => {
        const places = placesOf(a.evidence);
        return html`<div class="panel cluster" id="cluster-${a.id}"><h2>${a.deviceIds.length} devices in one place <span class="badge status">${a.status}</span></h2>
<p>${a.summary}</p>
<table><tr><th>Shared place</th><th>Value</th></tr>${places.map((p) => html`<tr><td>${placeKinds[p.kind] ?? p.kind}</td><td>${shortPlace(p.value)}</td></tr>`)}</table>
<p>Since ${ago(a.createdAt, now)}, last change ${ago(a.updatedAt, now)}${typeof a.evidence.windowHours === 'number' ? html`, within a ${a.evidence.windowHours} h window` : ''}.</p>
<p><strong>Devices:</strong> ${a.deviceIds.slice(0, 100).map((id, i) => html`${i ? ', ' : ''}${deviceLink(id, names.get(id))}`)}</p>
<div class="actions">Alert #${a.id}: ${alertActions(a, session)}</div></div>`;
      })
    : html`<p class="muted">No co-location cluster: no place holds the configured number of devices within the window.</p>`;
  return page(
    'Co-location',
    html`<h1>Clusters</h1>${graphClusters(graph, names)}<h1>Co-location clusters</h1><p class="muted">Several enrolled laptops behind one public address, one gateway or one Wi-Fi network (<code>fleet.colocation</code>). Gateway MACs and BSSIDs arrive as HMACs under the fleet key: the server compares places without learning them.</p>${body}`,
    session,
    'clusters',
  );
}
