import { describe, expect, it } from 'vitest';
import { escape, html } from '../../server/dashboard/html.js';
import { alertRows } from '../../server/dashboard/pages/alerts.js';
import { sameCsrf, SessionStore } from '../../server/dashboard/sessions.js';
import { histogramSvg, scoreChartSvg } from '../../server/dashboard/svg.js';

describe('escape and the html tag', () => {
  it('escapes every character that can leave text or a quoted attribute', () => {
    expect(escape(`<a href="x" onclick='y'>&\`</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;');
    expect(escape(null)).toBe('');
    expect(escape(42)).toBe('42');
  });

  it('escapes interpolations, not the template, and does not escape nested html twice', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', html`<br>`]}${undefined}${false}</p>`.text).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;<br></p>');
  });
});

describe('SessionStore', () => {
  it('expires idle and old sessions, and drops the least recently used past its bound', () => {
    let t = 0;
    const store = new SessionStore(() => t, { idleMs: 100, maxAgeMs: 250, maxSessions: 2 });
    const a = store.create();
    t = 90;
    expect(store.get(a.id)).toBe(a);
    t = 180;
    expect(store.get(a.id)).toBe(a); // touched at 90: 90 ms idle
    t = 260;
    expect(store.get(a.id)).toBeUndefined(); // older than maxAgeMs
    const b = store.create();
    const c = store.create();
    expect(store.get(b.id)).toBe(b); // b is now the most recent
    store.create();
    expect(store.get(c.id)).toBeUndefined();
    expect(store.get(b.id)).toBe(b);
    expect(store.size).toBe(2);
  });

  it('redeems a one-time token once and never after its expiry; compares CSRF tokens exactly', () => {
    let t = 0;
    const store = new SessionStore(() => t);
    const once = store.issueOnce(1000);
    expect(store.redeemOnce(once)).toBe(true);
    expect(store.redeemOnce(once)).toBe(false);
    const late = store.issueOnce(1000);
    t = 1001;
    expect(store.redeemOnce(late)).toBe(false);
    expect(store.redeemOnce(undefined)).toBe(false);
    const s = store.create();
    expect(sameCsrf(s.csrf, s)).toBe(true);
    expect(sameCsrf(`${s.csrf}x`, s)).toBe(false);
    expect(sameCsrf(undefined, s)).toBe(false);
  });
});

describe('SVG charts', () => {
  it('draws one bar per bucket and one dot per report, in time order', () => {
    expect(histogramSvg([1, 0, 0, 0, 0, 0, 0, 0, 0, 3]).text.match(/<rect class="bar/g)).toHaveLength(10);
    const chart = scoreChartSvg([
      { at: '2026-01-01T02:00:00Z', score: 90 },
      { at: '2026-01-01T00:00:00Z', score: 0 },
      { at: 'garbage', score: 50 },
    ]).text;
    expect(chart.match(/<circle/g)).toHaveLength(2);
    // x from 34 to 640-10; y = 10 + (1 - score/100) × 146 (180 high, 10 above, 24 below): 0 → 156, 90 → 24.6.
    expect(/points="([^"]+)"/.exec(chart)?.[1]).toBe('34.0,156.0 630.0,24.6');
    expect(scoreChartSvg([]).text).toContain('No reports yet');
  });
});

describe('the alerts table names each rule from the rule registry', () => {
  const session = { id: 's', csrf: 'c', createdMs: 0, lastUsedMs: 0 };
  const alert = (rule: string) => ({ id: 1, rule, status: 'open' as const, severity: 'high', deviceIds: ['d1'], summary: 's', evidence: {}, createdAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z' });
  const row = (rule: string) => String(alertRows([alert(rule)], new Map(), session, new Date('2026-03-02T11:00:00.000Z')));

  it('shows the title and ATT&CK ids of a server rule, "none" where none fits, and an unknown id alone', () => {
    expect(row('geo.impossible-travel')).toContain(escape('Two reports from countries too far apart for the time between them'));
    expect(row('geo.impossible-travel')).toContain('https://attack.mitre.org/techniques/T1133/');
    expect(row('agent.clock-skew')).toContain('ATT&amp;CK: none');
    expect(row('made.up')).toContain('<code>made.up</code></td>');
  });
});
