/**
 * The dashboard's only stylesheet, served at /dashboard/assets/style.css. Kept in a module rather than a .css
 * file so that tsc, the bundle and the single executable carry it without a copy step.
 */
export const stylesheet = `
:root { --fg:#1d2330; --muted:#6b7383; --line:#dde1e8; --bg:#f6f7f9; --card:#fff; --accent:#2456c8;
  --none:#9aa3b2; --low:#4f9d69; --medium:#d4a017; --high:#e0662b; --critical:#c62d3a; --unknown:#b8bec9; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:center; gap:24px; padding:10px 24px; background:#182033; color:#fff; }
header .brand { font-weight:700; letter-spacing:.02em; }
header nav a { color:#c9d3ea; text-decoration:none; margin-right:16px; }
header nav a.active, header nav a:hover { color:#fff; border-bottom:2px solid #fff; }
header form { margin-left:auto; }
main { padding:20px 24px; max-width:1200px; }
h1 { font-size:20px; margin:0 0 14px; } h2 { font-size:16px; margin:22px 0 8px; }
a { color:var(--accent); }
.muted { color:var(--muted); }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin-bottom:8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:12px 16px; min-width:110px; }
.card .n { font-size:24px; font-weight:700; } .card .k { color:var(--muted); }
.panel { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:14px 16px; margin-bottom:16px; }
.panel > h2:first-child { margin-top:0; }
td.actions { white-space:nowrap; }
.row { display:flex; flex-wrap:wrap; gap:16px; align-items:flex-start; }
table { border-collapse:collapse; width:100%; background:var(--card); border:1px solid var(--line); }
th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f5; font-weight:600; font-size:13px; }
code { font:12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#f0f2f5; padding:1px 4px; border-radius:3px; overflow-wrap:break-word; }
code.rule { white-space:nowrap; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; background:var(--unknown); }
.badge.level-none { background:var(--none); } .badge.level-low { background:var(--low); } .badge.level-medium { background:var(--medium); }
.badge.level-high { background:var(--high); } .badge.level-critical { background:var(--critical); }
.badge.status { background:#5d6b85; } .badge.simulated { background:#7b4bc4; }
dl.evidence { display:grid; grid-template-columns:max-content 1fr; gap:2px 10px; margin:0; }
dl.evidence dt { color:var(--muted); } dl.evidence dd { margin:0; }
button, input[type=submit] { font:inherit; padding:4px 12px; border-radius:4px; border:1px solid #aab3c2; background:#fff; cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
header button { background:transparent; color:#c9d3ea; border-color:#4a5672; }
form.inline { display:inline; }
.login { max-width:380px; margin:80px auto; }
.login input[type=password] { width:100%; padding:8px; font:inherit; border:1px solid #aab3c2; border-radius:4px; margin:6px 0 12px; }
.error { color:var(--critical); font-weight:600; }
.tabs a { margin-right:12px; } .tabs a.active { font-weight:700; text-decoration:none; color:var(--fg); }
svg.chart { background:#fff; max-width:100%; height:auto; }
.scroll { overflow-x:auto; max-width:100%; }
.scroll + .cards { margin-top:16px; }
p.sentence { margin:0 0 4px; } p.why { font-size:15px; }
table.kv { width:auto; font-size:13px; } table.kv th { font-weight:normal; color:var(--muted); background:transparent; white-space:nowrap; }
table.kv td { overflow-wrap:anywhere; }
.sides { display:flex; flex-wrap:wrap; gap:16px; } .sides .side { flex:1 1 320px; min-width:0; }
h3 { font-size:14px; margin:14px 0 6px; }
.badge.silent { background:#3d4556; } .badge.overdue { background:var(--high); }
tr.overdue td { background:#fff4ec; } .card.overdue { border-color:var(--high); }
.badge.state-new { background:var(--critical); } .badge.state-investigating { background:var(--medium); } .badge.state-resolved { background:var(--low); }
tr.blind td { background:#fff8e5; } .blind-list { color:#8a5a00; }
ol.timeline { padding-left:20px; } ol.timeline li { margin-bottom:6px; }
dl.explained { display:grid; grid-template-columns:max-content 1fr; gap:2px 10px; } dl.explained dt { color:var(--muted); } dl.explained dd { margin:0; }
.actions-row { margin:6px 0; display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
select, textarea, input[name=assignee] { font:inherit; padding:4px 6px; border:1px solid #aab3c2; border-radius:4px; max-width:100%; }
textarea { width:100%; }
a.button { display:inline-block; padding:4px 12px; border-radius:4px; border:1px solid #aab3c2; background:#fff; text-decoration:none; color:var(--fg); }
@media (max-width: 700px) {
  header { flex-wrap:wrap; gap:8px 16px; padding:10px 12px; }
  header nav { display:flex; flex-wrap:wrap; gap:4px 12px; } header nav a { margin-right:0; }
  main { padding:12px; }
  .cards .card { min-width:0; flex:1 1 40%; }
  .row > .panel { flex:1 1 100%; min-width:0; }
  th, td { padding:5px 6px; }
  /* A wide table scrolls inside itself; the page never scrolls sideways. */
  main table { display:block; overflow-x:auto; max-width:100%; }
  dl.evidence, dl.explained { grid-template-columns:1fr; }
}
svg.chart text { font:11px system-ui, sans-serif; fill:var(--muted); }
svg.chart text.count { fill:var(--fg); }
svg.chart .baseline { stroke:var(--line); }
svg.chart .bar.level-none, svg.chart .dot.level-none { fill:var(--none); }
svg.chart .bar.level-low, svg.chart .dot.level-low { fill:var(--low); }
svg.chart .bar.level-medium, svg.chart .dot.level-medium { fill:var(--medium); }
svg.chart .bar.level-high, svg.chart .dot.level-high { fill:var(--high); }
svg.chart .bar.level-critical, svg.chart .dot.level-critical { fill:var(--critical); }
svg.chart .band { opacity:.08; } svg.chart .band.level-none { fill:var(--none); } svg.chart .band.level-low { fill:var(--low); }
svg.chart .band.level-medium { fill:var(--medium); } svg.chart .band.level-high { fill:var(--high); } svg.chart .band.level-critical { fill:var(--critical); }
svg.chart .line { fill:none; stroke:#182033; stroke-width:1.5; }
`;

/** A tab icon, so that browsers do not ask for /favicon.ico (a 404 in the console). */
export const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#182033"/><circle cx="8" cy="8" r="4" fill="#e0662b"/></svg>`;
