import { html } from '../html.js';
import { page } from '../layout.js';

export function loginPage(error?: string): string {
  return page(
    'Sign in',
    html`<div class="login panel"><h1>Sign in</h1>
${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/dashboard/login"><label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button class="primary" type="submit">Sign in</button></form>
<p class="muted">The server's <code>adminToken</code> (from its config or <code>&lt;db&gt;.secrets.json</code>). It opens a session; the token itself is not kept in the browser.</p></div>`,
  );
}

/** The page of a one-time link: the token is spent only by the POST (link scanners that GET spend nothing). */
export function oncePage(token: string): string {
  return page(
    'Sign in',
    html`<div class="login panel"><h1>farmwatch dashboard</h1><p>This one-time link signs you in once.</p>
<form method="post" action="/dashboard/login/once"><input type="hidden" name="once" value="${token}"><button class="primary" type="submit">Open the dashboard</button></form></div>`,
  );
}
