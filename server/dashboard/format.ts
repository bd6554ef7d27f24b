import { html, type Html } from './html.js';

export const levelNames = ['none', 'low', 'medium', 'high', 'critical'] as const;

/** A CSS class suffix from a level or severity: only known names, so stored text never becomes a class. */
export function levelClass(level: string | null | undefined): string {
  return level && (levelNames as readonly string[]).includes(level) ? level : level === 'info' ? 'none' : 'unknown';
}

export function levelBadge(level: string | null | undefined): Html {
  return html`<span class="badge level-${levelClass(level)}">${level ?? 'no report'}</span>`;
}

/** "4 min ago" with the exact ISO time on hover. */
export function ago(iso: string | null | undefined, now: Date): Html {
  if (!iso) return html`<span class="muted">never</span>`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return html`${iso}`;
  const s = Math.round((now.getTime() - t) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
  return html`<time datetime="${iso}" title="${iso}">${s >= 0 ? `${text} ago` : `in ${text}`}</time>`;
}

/** Place identifiers of gateway and Wi-Fi arrive as HMAC hex: shown shortened, in full on hover. */
export function shortPlace(value: string): Html {
  return /^[0-9a-f]{64}$/.test(value) ? html`<code title="${value}">${value.slice(0, 12)}…</code>` : html`<code>${value}</code>`;
}

export const placeKinds: Record<string, string> = { ip: 'source address', gateway: 'gateway MAC (HMAC)', wifi: 'Wi-Fi BSSID (HMAC)' };

/** A value an agent sent, as text: scalars as they are, structures as compact JSON, bounded in length. */
export function valueText(value: unknown, max = 600): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function evidenceList(evidence: unknown): Html {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return html`<code>${valueText(evidence)}</code>`;
  const entries = Object.entries(evidence as Record<string, unknown>).slice(0, 40);
  if (!entries.length) return html`<span class="muted">none</span>`;
  return html`<dl class="evidence">${entries.map(([k, v]) => html`<dt>${k}</dt><dd><code>${valueText(v)}</code></dd>`)}</dl>`;
}

/** ATT&CK technique ids as links to their pages (T1219.003 → /techniques/T1219/003/); anything else as text. */
export function attackLinks(ids: unknown): Html {
  if (!Array.isArray(ids) || !ids.length) return html`<span class="muted">–</span>`;
  return html`${ids.slice(0, 10).map((id, i) => {
    const text = String(id);
    const m = /^T(\d{4})(?:\.(\d{3}))?$/.exec(text);
    const sep = i ? ' ' : '';
    if (!m) return html`${sep}<code>${text}</code>`;
    const href = `https://attack.mitre.org/techniques/T${m[1]}/${m[2] ? `${m[2]}/` : ''}`;
    return html`${sep}<a href="${href}" rel="noreferrer noopener" target="_blank"><code>${text}</code></a>`;
  })}`;
}

export const deviceHref = (deviceId: string) => `/dashboard/devices/${encodeURIComponent(deviceId)}`;

const platforms: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux', freebsd: 'FreeBSD', openbsd: 'OpenBSD', aix: 'AIX', sunos: 'Solaris' };

/** `process.platform` as people say it: win32 → Windows. Anything else as sent. */
export const platformName = (p: string): string => (Object.prototype.hasOwnProperty.call(platforms, p) ? (platforms[p] as string) : p);

/** "1 alert", "2 alerts". */
export const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
