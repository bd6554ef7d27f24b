import { html, type Html } from './html.js';
import { levelClass } from './format.js';

const levelOfScore = (score: number) => (score < 10 ? 'none' : score < 30 ? 'low' : score < 60 ? 'medium' : score < 85 ? 'high' : 'critical');

/** Devices per score bucket of ten, as bars; no script, no external file. */
export function histogramSvg(buckets: readonly number[]): Html {
  const w = 420;
  const h = 150;
  const barW = 36;
  const top = Math.max(1, ...buckets);
  const bars = buckets.map((n, i) => {
    const bh = Math.round((n / top) * (h - 45));
    const x = 10 + i * 40;
    const y = h - 22 - bh;
    return html`<g><title>${`score ${i * 10}-${i === 9 ? 100 : i * 10 + 9}: ${n} device${n === 1 ? '' : 's'}`}</title>
<rect class="bar level-${levelClass(levelOfScore(i * 10))}" x="${x}" y="${y}" width="${barW}" height="${Math.max(bh, n ? 2 : 0)}"></rect>
<text class="count" x="${x + barW / 2}" y="${y - 4}" text-anchor="middle">${n}</text>
<text class="axis" x="${x + barW / 2}" y="${h - 6}" text-anchor="middle">${i * 10}</text></g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="Score histogram">
<line class="baseline" x1="6" y1="${h - 22}" x2="${w - 6}" y2="${h - 22}"></line>${bars}</svg>`;
}

export interface ScorePoint {
  at: string;
  score: number;
}

/** Score over time: level bands behind a line, one dot per report (hover for time and score). */
export function scoreChartSvg(points: readonly ScorePoint[]): Html {
  const w = 640;
  const h = 180;
  const left = 34;
  const right = 10;
  const topPad = 10;
  const bottom = 24;
  const pts = points.map((p) => ({ ...p, t: Date.parse(p.at) })).filter((p) => !Number.isNaN(p.t)).sort((a, b) => a.t - b.t);
  if (!pts.length) return html`<p class="muted">No reports yet.</p>`;
  const t0 = pts[0]!.t;
  const t1 = pts.at(-1)!.t;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => (pts.length === 1 ? left + (w - left - right) / 2 : left + ((t - t0) / span) * (w - left - right));
  const y = (score: number) => topPad + (1 - score / 100) * (h - topPad - bottom);
  const bands = ([[0, 10, 'none'], [10, 30, 'low'], [30, 60, 'medium'], [60, 85, 'high'], [85, 100, 'critical']] as const).map(
    ([lo, hi, level]) => html`<rect class="band level-${level}" x="${left}" y="${y(hi)}" width="${w - left - right}" height="${y(lo) - y(hi)}"></rect>`,
  );
  const ticks = [0, 30, 60, 85, 100].map((s) => html`<text class="axis" x="${left - 4}" y="${y(s) + 4}" text-anchor="end">${s}</text>`);
  const line = pts.map((p) => `${x(p.t).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const dots = pts.map(
    (p) => html`<circle class="dot level-${levelOfScore(p.score)}" cx="${x(p.t).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="3.5"><title>${`${p.at}: ${p.score}`}</title></circle>`,
  );
  const first = new Date(t0).toISOString().slice(0, 16).replace('T', ' ');
  const last = new Date(t1).toISOString().slice(0, 16).replace('T', ' ');
  return html`<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="Score over time">
${bands}${ticks}<polyline class="line" points="${line}"></polyline>${dots}
<text class="axis" x="${left}" y="${h - 6}">${first} UTC</text><text class="axis" x="${w - right}" y="${h - 6}" text-anchor="end">${last} UTC</text></svg>`;
}
