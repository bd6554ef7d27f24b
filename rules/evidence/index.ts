/**
 * A finding's evidence in human words: one short sentence and a key/value table, keyed by rule id, for every place a
 * person reads a finding (the dashboard, `farmwatch diagnose`, chat forwarders). Pure and total: any value an agent
 * sent renders (as text, bounded); an unknown rule gets the generic table. The output is plain text: escaping is the
 * caller's (HTML, Markdown), never this module's.
 */
import { itemSentence, label, printable } from './words.js';

export { evidenceSentences, printable } from './words.js';

export interface RenderedEvidence {
  sentence: string;
  /** True when the rule has a sentence of its own (not the title fallback). */
  specific: boolean;
  rows: [label: string, value: string][];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Bounded text of any value: scalars as they are, lists of names joined, other structures as compact JSON. */
export function evidenceValue(value: unknown, max = 300): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null) text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) text = value.join(', ');
  else if (Array.isArray(value) && value.every(isObj) && value.every((v) => typeof v.name === 'string'))
    text = value.map((v) => (typeof v.pid === 'number' ? `${String(v.name)} (pid ${v.pid})` : String(v.name))).join(', ');
  else if (Array.isArray(value) && value.length && value.every(isObj)) text = value.slice(0, 5).map((v) => itemSentence(v)).join('; ') + (value.length > 5 ? `; and ${value.length - 5} more` : '');
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = printable(text);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** camelCase keys as words: `vendorId` → "vendor id". */
export function keyLabel(key: string): string {
  return printable(label(key.slice(0, 60)));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? evidenceValue(v, 120) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

type Sentence = (e: Obj, subject: string | undefined) => string | undefined;

/** Per rule: the sentence. Rows are the evidence fields, the same for every rule. */
const sentences: Record<string, Sentence> = {
  'remote-access.running': (e, s) => {
    const tool = str(e.tool) ?? s;
    const procs = Array.isArray(e.processes) ? e.processes.length : 0;
    return tool ? `${tool} is running${procs ? ` (${procs} process${procs === 1 ? '' : 'es'})` : ''}: someone else can drive this laptop.` : undefined;
  },
  'remote-access.installed': (e, s) => {
    const tool = str(e.tool) ?? s;
    return tool ? `${tool} is installed, though not seen running.` : undefined;
  },
  'ipkvm.usb': (e) => {
    const what = str(e.product) ?? str(e.manufacturer) ?? str(e.catalog);
    const ids = str(e.vendorId) && str(e.productId) ? ` (USB ${str(e.vendorId)}:${str(e.productId)})` : '';
    return what ? `A USB device that identifies as an IP-KVM is attached: ${what}${ids}. Its keyboard and screen can be driven over the network.` : undefined;
  },
  'locale.timezone': (e) => {
    const tz = str(e.timezone);
    const expected = Array.isArray(e.expected) ? evidenceValue(e.expected, 120) : undefined;
    return tz ? `The laptop's time zone is ${tz}${expected ? `, outside the expected ${expected}` : ''}.` : undefined;
  },
  'fleet.colocation': (e) => {
    const n = num(e.devicesInWindow);
    const places = Array.isArray(e.places) ? e.places.length : undefined;
    const hours = num(e.windowHours);
    return n !== undefined
      ? `${n} devices reported from the same place${places && places > 1 ? ` (${places} shared places)` : ''}${hours !== undefined ? ` within ${hours} h` : ''}: one room, several supposed employees.`
      : undefined;
  },
  'fleet.silent-agent': (e) => {
    const due = str(e.nextReportBy) ?? str(e.dueAt);
    return `The agent stopped reporting${due ? `: its report was due at ${due}` : ''}.`;
  },
  'agent.score-mismatch': (e) => {
    const a = num(e.agentScore);
    const s = num(e.serverScore);
    return a !== undefined && s !== undefined ? `The agent scored itself ${a}; the server, judging the same report, scored ${s}.` : undefined;
  },
};

/** Evidence fields a reader does not need in the table (the demo's label is shown as a badge elsewhere). */
const hiddenKeys = new Set(['simulated']);

export function renderEvidence(rule: unknown, evidence: unknown, subject?: unknown, title?: unknown): RenderedEvidence {
  const id = typeof rule === 'string' ? rule : '';
  const e = isObj(evidence) ? evidence : {};
  const s = typeof subject === 'string' ? subject : undefined;
  let sentence: string | undefined;
  const own = Object.prototype.hasOwnProperty.call(sentences, id) ? sentences[id] : undefined;
  try {
    sentence = own?.(e, s);
  } catch {
    sentence = undefined;
  }
  const specific = !!sentence;
  if (!sentence) {
    const t = typeof title === 'string' && title.trim() ? evidenceValue(title, 200) : id ? `Rule ${evidenceValue(id, 100)} matched` : 'A finding';
    sentence = `${t}${s ? ` (${evidenceValue(s, 100)})` : ''}.`;
  }
  const rows: [string, string][] = isObj(evidence)
    ? Object.entries(e)
        .filter(([k]) => !hiddenKeys.has(k))
        .slice(0, 40)
        .map(([k, v]) => [keyLabel(k), evidenceValue(v)])
    : evidence === undefined || evidence === null
      ? []
      : [['value', evidenceValue(evidence)]];
  return { sentence: printable(sentence), specific, rows };
}
