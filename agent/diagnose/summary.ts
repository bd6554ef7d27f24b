import type { Finding, Level } from '../../rules/types.js';
import { strengthOf } from '../../rules/score.js';
import type { DiagnoseReport } from './report.js';
import { printable } from '../../rules/evidence/words.js';

/** The few sentences a person at the laptop reads first: what was found, how sure, what to do next, whom to tell. */
export interface Summary {
  found: string;
  howSure: string;
  next: string;
  /** The config's `contact`, or undefined when none is set. */
  contact?: string;
}

/** What the level means, in the words of someone who is not an engineer. */
const meaning: Record<Level, string> = {
  none: 'nothing here suggests that this laptop is controlled from somewhere else',
  low: 'a weak sign only, of a kind ordinary laptops show too',
  medium: 'signs worth a look; alone they do not prove that someone else controls this laptop',
  high: 'strong signs that this laptop is controlled remotely or used from outside the expected region',
  critical: 'several strong signs together that this laptop is controlled from somewhere else',
};

/** What to do next per level. */
const nextStep: Record<Level, string> = {
  none: 'Nothing to do.',
  low: 'No action needed. If a finding below is a surprise to you, mention it to IT.',
  medium: 'Read the findings below. If you do not recognise a tool or setting they name, tell IT or security; if the company uses it, IT can sanction it (allow.tools).',
  high: 'Report this to IT or security today: send them this output (or `farmwatch diagnose --json > diagnose.json`). Do not uninstall or change anything it names before they have looked.',
  critical: 'Report this to IT or security now: send them this output (or `farmwatch diagnose --json > diagnose.json`). Leave the laptop as it is: do not uninstall, reboot or reset anything it names, so the evidence stays.',
};

const noContact = 'your IT or security team (set "contact" in the config file to name them here)';

export function summaryOf(r: Pick<DiagnoseReport, 'evaluation' | 'contact'>): Summary {
  const ev = r.evaluation;
  const scoring = scoringFindings(r.evaluation.groups, ev.findings);
  const titles = [...new Set(scoring.map((f) => f.title))];
  const context = ev.findings.filter((f) => !f.suppressed && strengthOf(f) === 0).length;
  const sanctioned = ev.findings.filter((f) => f.suppressed).length;
  const extras = [
    context ? `${context} context note${context === 1 ? '' : 's'} that never score` : '',
    sanctioned ? `${sanctioned} sanctioned finding${sanctioned === 1 ? '' : 's'} (allow-listed, not scored)` : '',
  ].filter(Boolean);
  const found = titles.length
    ? `${sentenceList(titles.slice(0, 4))}${titles.length > 4 ? `, and ${titles.length - 4} more` : ''}.${extras.length ? ` Also ${extras.join(' and ')}.` : ''}`
    : `Nothing that scores.${extras.length ? ` Only ${extras.join(' and ')}.` : ''}`;
  const howSure = `Score ${ev.score} of 100, level ${ev.level}: ${meaning[ev.level]}.`;
  return { found, howSure, next: nextStep[ev.level], ...(r.contact ? { contact: r.contact } : {}) };
}

/** The summary as printed: one labelled line each; a contact line whenever there is something to report. */
export function summaryLines(s: Summary, level: Level): string[] {
  // Titles can carry names from the snapshot, and the contact comes from a file: no control characters reach the terminal.
  const out = [`Found:    ${printable(s.found)}`, `How sure: ${s.howSure}`, `Next:     ${s.next}`];
  if (s.contact) out.push(`Contact:  ${printable(s.contact)}`);
  else if (level === 'medium' || level === 'high' || level === 'critical') out.push(`Contact:  ${noContact}`);
  return out;
}

/** The finding behind each scoring group, strongest group first. */
function scoringFindings(groups: DiagnoseReport['evaluation']['groups'], findings: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const g of groups) {
    const best = findings
      .filter((f) => f.rule === g.rule && (f.group ?? f.rule) === g.group)
      .sort((a, b) => strengthOf(b) - strengthOf(a))[0];
    if (best) out.push(best);
  }
  return out;
}

function sentenceList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('; ')}; ${items[items.length - 1]}`;
}

/** --probe with no latency.anchors: nothing is probed, and the person is told how to configure some. */
export const noAnchorsNote =
  '--probe: no latency.anchors in the config, so nothing was probed. Add the hosts to measure, e.g. "latency": {"anchors": [{"host": "farmwatch.example.com", "port": 443}]} (`farmwatch run` probes its own server when none is set).';

export function probeNothing(r: Pick<DiagnoseReport, 'source'>): boolean {
  return 'collected' in r.source && r.source.probe && r.source.anchors === 0;
}
