import { admin, type Running } from '../helpers.js';

/** One series of GET /metrics, without labels. */
export async function metricValue(s: Running, name: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: admin })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics`);
  return Number(line.slice(name.length + 1));
}

/** Polls `check` every 10 ms until it holds; fails after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lifts the per-device report limit (as the ingest benches do): these tests load one device on purpose. */
export async function liftReportLimit(s: Running): Promise<void> {
  const res = await fetch(`${s.url}/api/v1/policy`, {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ limits: { reports: { perMinute: 1_000_000, burst: 1_000_000 } } }),
  });
  if (res.status !== 200) throw new Error(`policy: ${res.status} ${await res.text()}`);
}
