import type { Snapshot } from '../schema/snapshot/index.js';
import type { Finding, Level, RuleContext } from '../rules/types.js';
import { evidenceSentences, printable } from '../rules/evidence/words.js';
import { renderEvidence } from '../rules/evidence/index.js';
import type { DiagnoseReport } from './diagnose/report.js';
import { noAnchorsNote, probeNothing, summaryLines, summaryOf } from './diagnose/summary.js';
import { compareIds } from '../common/compare.js';

export type { DiagnoseReport } from './diagnose/report.js';

const levelColour: Record<Level, string> = { none: '32', low: '36', medium: '33', high: '31', critical: '1;31' };

/** The human report: plain text, ANSI colour only when asked (a TTY without NO_COLOR); developer detail only when verbose. */
export function formatReport(r: DiagnoseReport, opts: { colour: boolean; verbose?: boolean }): string {
  const c = (code: string, text: string) => (opts.colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const verbose = opts.verbose === true;
  const { evaluation: ev, snapshot: snap } = r;
  const out: string[] = [];
  const where = 'from' in r.source ? `snapshot ${r.source.from}` : 'this machine';
  out.push(`farmwatch diagnose: ${printable(snap.host?.hostname ?? 'unknown host')} (${snap.platform}), ${where}, collected ${snap.collectedAt}`);
  out.push('');
  out.push(`Score ${ev.score}/100, level ${c(levelColour[ev.level], ev.level.toUpperCase())}`);
  if (verbose && ev.groups.length) {
    out.push(`  from: ${ev.groups.map((g) => `${g.group} ${g.p.toFixed(2)} (${g.rule})`).join(', ')}`);
    out.push('  (per group the strongest weight x confidence; groups combined as 1 - product of (1 - p))');
  }
  out.push(...summaryLines(summaryOf(r), ev.level));
  out.push('');
  out.push(...findingsSection(ev.findings, c));
  out.push('');
  out.push(...expectedSection(r.expected));
  out.push(baselineLine(r.baseline));
  out.push(...collectorsSection(snap, verbose));
  out.push('');
  if (probeNothing(r)) out.push(noAnchorsNote);
  const probed = 'collected' in r.source && r.source.probe && r.source.anchors > 0;
  out.push(
    probed
      ? 'Nothing was sent. Network: TCP-connect probes to config latency.anchors only (--probe).'
      : 'Nothing was sent, and no network connection was opened.',
  );
  return `${out.join('\n')}\n`;
}

function findingsSection(findings: readonly Finding[], c: (code: string, t: string) => string): string[] {
  if (findings.length === 0) return ['Findings: none.'];
  const byGroup = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = f.group ?? f.rule;
    byGroup.set(g, [...(byGroup.get(g) ?? []), f]);
  }
  const out = [`Findings (${findings.length}):`];
  for (const [group, list] of byGroup) {
    out.push(`  ${c('1', group)}`);
    for (const f of list) {
      const mark = f.suppressed ? c('2', ` [suppressed: ${f.suppressedBy ?? 'allow-listed'}, not scored]`) : '';
      const attack = f.attack?.length ? `  ATT&CK ${f.attack.join(', ')}` : '';
      const weight = f.weight === 0 ? ' (context only, never scores)' : '';
      out.push(`    [${f.severity}] ${f.rule}: ${printable(f.title)}${mark}`);
      out.push(`        confidence ${f.confidence.toFixed(2)}${weight}${attack}`);
      const said = renderEvidence(f.rule, f.evidence, f.subject, f.title);
      if (said.specific) out.push(`        ${said.sentence}`);
      for (const line of evidenceSentences(f.evidence)) out.push(`        ${line}`);
    }
  }
  return out;
}

function expectedSection(e: RuleContext['expected']): string[] {
  const set = (name: string, v: readonly string[]) => (v.length ? `${name} ${v.join(', ')}` : undefined);
  const parts = [set('time zones', e.timezones), set('locales', e.locales), set('keyboard layouts', e.keyboardLayouts), set('countries', e.countries)]
    .filter((p): p is string => !!p);
  if (parts.length === 0) {
    return ['Expected region: none configured, so the locale.* rules stayed quiet (set "expected" in the config file).'];
  }
  return [`Expected region: ${parts.join('; ')}.`];
}

function baselineLine(b: DiagnoseReport['baseline']): string {
  if ('absent' in b) return `Baseline: none in ${b.path} (drift rules baseline.* stay quiet; diagnose never writes one).`;
  if ('ignored' in b) return 'Baseline: not read: a saved snapshot may come from another machine, so the drift rules baseline.* stay quiet (--baseline FILE judges it against a baseline you name).';
  if (b.problem) return `Baseline: unusable, ignored: ${b.problem}`;
  return `Baseline: ${b.path}, kept since ${b.firstSeen ?? '?'} (read only).`;
}

/** Failures always (they leave a gap in what was checked); notes and unsupported collectors only with --verbose. */
function collectorsSection(snap: Snapshot, verbose: boolean): string[] {
  const entries = Object.entries(snap.collectors).sort(([a], [b]) => compareIds(a, b));
  const ok = entries.filter(([, s]) => s.status === 'ok').map(([n]) => n);
  const out = [`Collectors: ${ok.length} ok${ok.length ? ` (${ok.join(', ')})` : ''}.`];
  let hidden = 0;
  for (const [name, s] of entries) {
    if (s.status === 'ok') {
      for (const note of s.notes ?? []) {
        if (verbose) out.push(`  ${name}: note: ${printable(note)}`);
        else hidden++;
      }
      continue;
    }
    if (s.status === 'error') {
      const errs = snap.errors.filter((e) => e.collector === name);
      const why = errs.map((e) => `${e.code}: ${printable(e.message)}`).join('; ') || 'no message';
      out.push(`  ${name}: FAILED (${why})`);
    } else if (verbose) {
      out.push(`  ${name}: ${s.status}${s.reason ? ` (${printable(s.reason)})` : ''}`);
    } else {
      hidden++;
    }
  }
  // Errors of collectors missing from the status map (an old or hand-made snapshot).
  for (const e of snap.errors) if (!snap.collectors[e.collector]) out.push(`  ${e.collector}: FAILED (${e.code}: ${printable(e.message)})`);
  if (hidden > 0) out.push(`  (${hidden} collector note${hidden === 1 ? '' : 's'} for engineers: --verbose shows them)`);
  return out;
}
