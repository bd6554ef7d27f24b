import { deviceHref } from '../format.js';
import { html, type Html } from '../html.js';

/** A device link by hostname (the id on hover); laptops made up by `farmwatch demo` carry a visible label. */
export function deviceLink(deviceId: string, hostname: string | undefined): Html {
  const name = hostname ?? deviceId;
  return html`<a href="${deviceHref(deviceId)}" title="${deviceId}">${name}</a>${name.startsWith('SIMULATED-') ? html` <span class="badge simulated">simulated</span>` : ''}`;
}
