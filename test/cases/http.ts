import type { Seeded } from '../dashboard/helpers.js';
import { secrets } from '../server/helpers.js';

export interface Page {
  status: number;
  text: string;
  headers: Headers;
}

export async function get(url: string, path: string, cookie = ''): Promise<Page> {
  const res = await fetch(`${url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export async function postForm(url: string, path: string, form: Record<string, string>, cookie = ''): Promise<Page> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A dashboard session cookie, signed in with the admin token. */
export async function signIn(s: Pick<Seeded, 'url'>): Promise<string> {
  const p = await postForm(s.url, '/dashboard/login', { token: secrets.adminToken });
  if (p.status !== 303) throw new Error(`sign-in: ${p.status}`);
  return (p.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

export async function apiPost(url: string, path: string, body: unknown, token = secrets.adminToken) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
