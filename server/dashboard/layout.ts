import { html, type Html } from './html.js';
import type { Session } from './sessions.js';

const nav = [
  ['fleet', '/dashboard/', 'Fleet'],
  ['cases', '/dashboard/cases', 'Cases'],
  ['alerts', '/dashboard/alerts', 'Alerts'],
  ['clusters', '/dashboard/clusters', 'Co-location'],
  ['places', '/dashboard/places', 'Places'],
  ['enrollments', '/dashboard/enrollments', 'Enrollments'],
] as const;

export type Section = (typeof nav)[number][0];

/** A whole page: head, navigation with the sign-out form (CSRF token), the body. */
export function page(title: string, body: Html, session?: Session, active?: Section): string {
  const header = session
    ? html`<header><span class="brand">farmwatch</span><nav>${nav.map(
        ([key, href, label]) => html`<a href="${href}"${key === active ? html` class="active"` : ''}>${label}</a>`,
      )}</nav><form class="inline" method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${session.csrf}"><button type="submit">Sign out</button></form></header>`
    : html`<header><span class="brand">farmwatch</span></header>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · farmwatch</title><link rel="stylesheet" href="/dashboard/assets/style.css"><link rel="icon" href="/dashboard/assets/icon.svg" type="image/svg+xml"></head>
<body>${header}<main>${body}</main></body></html>`.text;
}

/** A POST button for a state change, carrying the session's CSRF token. */
export function actionButton(action: string, label: string, session: Session, primary = false): Html {
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="csrf" value="${session.csrf}"><button type="submit"${primary ? html` class="primary"` : ''}>${label}</button></form>`;
}
