/**
 * A finding's evidence in plain words, one sentence per line: the shapes the rules emit (a process, an installed item,
 * a change from one value to another, a tool) get a sentence of their own; any other key is "label: value", so a
 * new rule's evidence is readable without a change here. Nothing is cut mid-value: lists say how many were left out.
 */

const MAX_ITEMS = 5;
const MAX_TEXT = 300;

/** Words for keys whose camelCase split does not read well. */
const labels: Record<string, string> = {
  pid: 'process id', exe: 'executable', rttMs: 'round-trip time (ms)', thresholdMs: 'threshold (ms)',
  expectedMaxRttMs: 'highest expected round-trip time (ms)', timezone: 'time zone', utcOffsetMinutes: 'UTC offset (minutes)',
  bundleId: 'bundle id', vendorId: 'USB vendor id', productId: 'USB product id', asn: 'network (ASN)',
  localPort: 'local port', remotePort: 'remote port', remoteAddress: 'remote address', localAddress: 'local address',
  ip: 'IP address', mac: 'MAC address', edid: 'EDID', catalog: 'catalog entry', windowHours: 'window (hours)',
};

const matchedBy: Record<string, string> = {
  name: 'its name', exe: 'its executable', argv0: 'its command', comm: 'its kernel process name',
  script: 'the script it runs', path: 'its install path', bundleId: 'its bundle id', unit: 'its service unit',
};

/** Control characters (a hostile name could carry terminal escapes or line breaks) shown as visible escapes. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function label(key: string): string {
  return labels[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
}

function text(value: unknown): string {
  let t: string;
  if (value === null || value === undefined) t = 'none';
  else if (typeof value === 'string') t = value === '' ? '(empty)' : value;
  else if (typeof value === 'boolean') t = value ? 'yes' : 'no';
  else if (typeof value === 'number' || typeof value === 'bigint') t = String(value);
  else if (Array.isArray(value)) t = value.map(text).join(', ');
  else t = clause(value as Record<string, unknown>);
  t = printable(t);
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}… (${t.length - MAX_TEXT} more characters)` : t;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Generic "label value, label value" for an object without a shape of its own. */
function clause(o: Record<string, unknown>): string {
  return Object.entries(o).map(([k, v]) => `${label(k)} ${text(v)}`).join(', ');
}

function rest(o: Record<string, unknown>, used: readonly string[]): string {
  const others = Object.fromEntries(Object.entries(o).filter(([k]) => !used.includes(k)));
  return Object.keys(others).length ? `; ${clause(others)}` : '';
}

function matchWords(o: Record<string, unknown>): string {
  if (o.matched === undefined) return '';
  const by = typeof o.by === 'string' ? ` by ${matchedBy[o.by] ?? text(o.by)}` : '';
  const arg = o.argument !== undefined ? ` (${text(o.argument)})` : '';
  return `, recognised as "${text(o.matched)}"${by}${arg}`;
}

/** One item of a list (a process, an installed package, ...) as a sentence without the full stop. */
export function itemSentence(o: Record<string, unknown>): string {
  if (typeof o.process === 'string') {
    const facts = [o.pid !== undefined ? `id ${text(o.pid)}` : '', o.user !== undefined ? `user ${text(o.user)}` : '', o.exe !== undefined ? `from ${text(o.exe)}` : '']
      .filter(Boolean).join(', ');
    return `Process "${text(o.process)}"${facts ? ` (${facts})` : ''}${matchWords(o)}${rest(o, ['process', 'pid', 'user', 'exe', 'matched', 'by', 'argument'])}`;
  }
  if (typeof o.software === 'string') {
    const facts = [o.source !== undefined ? `${text(o.source)}` : '', o.version !== undefined ? `version ${text(o.version)}` : '', o.path !== undefined ? `at ${text(o.path)}` : '', o.bundleId !== undefined ? `bundle ${text(o.bundleId)}` : '']
      .filter(Boolean).join(', ');
    return `Installed "${text(o.software)}"${facts ? ` (${facts})` : ''}${matchWords(o)}${rest(o, ['software', 'source', 'version', 'path', 'bundleId', 'matched', 'by'])}`;
  }
  const s = clause(o);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The evidence of one finding as lines of plain words. */
export function evidenceSentences(evidence: Record<string, unknown>): string[] {
  const out: string[] = [];
  const used = new Set<string>();
  const e = evidence;
  if (typeof e.tool === 'string') {
    const of = [e.vendor !== undefined ? `by ${text(e.vendor)}` : '', e.category !== undefined ? `a ${text(e.category)} tool` : ''].filter(Boolean).join(', ');
    out.push(`Tool: ${text(e.tool)}${of ? ` (${of})` : ''}.`);
    used.add('tool').add('vendor').add('category');
  }
  if ('from' in e && 'to' in e && !isRecord(e.from) && !isRecord(e.to)) {
    out.push(`Changed from ${text(e.from)} to ${text(e.to)}.`);
    used.add('from').add('to');
  }
  for (const [key, value] of Object.entries(e)) {
    if (used.has(key)) continue;
    if (Array.isArray(value) && value.some(isRecord)) {
      out.push(`${capital(label(key))} (${value.length}):`);
      for (const item of value.slice(0, MAX_ITEMS)) out.push(`  - ${isRecord(item) ? itemSentence(item) : text(item)}.`);
      if (value.length > MAX_ITEMS) out.push(`  - and ${value.length - MAX_ITEMS} more (see --json).`);
    } else if (isRecord(value)) {
      out.push(`${capital(label(key))}: ${itemSentence(value)}.`);
    } else {
      out.push(`${capital(label(key))}: ${text(value)}.`);
    }
  }
  return out;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
