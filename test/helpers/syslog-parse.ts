/**
 * A strict RFC 5424 parser for the tests, written from the RFC's ABNF (§6) and independent of the product's
 * formatter: it refuses what the grammar refuses (header field lengths and characters, SD-NAME characters, an
 * unescaped ']' in a PARAM-VALUE, a missing SP) rather than guessing. No maintained npm parser of RFC 5424 with
 * structured data fitted (glossy, the usual one, was last published in 2013).
 */
export interface Syslog5424 {
  pri: number;
  version: number;
  timestamp: string | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: { id: string; params: [string, string][] }[];
  msg: string;
}

export class SyslogParseError extends Error {}

const PRINTUSASCII = /^[\x21-\x7e]+$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export function parseRfc5424(text: string): Syslog5424 {
  let at = 0;
  const fail = (why: string): never => {
    throw new SyslogParseError(`${why} at offset ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}`);
  };
  const token = (what: string, max: number): string | null => {
    const end = text.indexOf(' ', at);
    if (end < 0) fail(`${what}: no SP after it`);
    const v = text.slice(at, end);
    if (!v || v.length > max || !PRINTUSASCII.test(v)) fail(`${what}: 1*${max}PRINTUSASCII expected`);
    at = end + 1;
    return v === '-' ? null : v;
  };
  const head = /^<(\d{1,3})>([1-9]\d{0,2}) /.exec(text);
  if (!head) return fail('PRI VERSION SP expected');
  const pri = Number(head[1]);
  if (pri > 191) fail('PRIVAL above 191');
  at = head[0].length;
  const timestamp = token('TIMESTAMP', 32);
  if (timestamp !== null && !TIMESTAMP.test(timestamp)) fail('TIMESTAMP is not FULL-DATE "T" FULL-TIME');
  const hostname = token('HOSTNAME', 255);
  const appName = token('APP-NAME', 48);
  const procId = token('PROCID', 128);
  const msgId = token('MSGID', 32);

  const structuredData: Syslog5424['structuredData'] = [];
  const sdName = (stops: string): string => {
    const start = at;
    while (at < text.length && !stops.includes(text[at] ?? '')) {
      const c = text.charCodeAt(at);
      if (c < 0x21 || c > 0x7e || '="]'.includes(text[at] ?? '')) fail('SD-NAME: PRINTUSASCII but = SP ] " expected');
      at++;
    }
    const name = text.slice(start, at);
    if (!name || name.length > 32) fail('SD-NAME of 1 to 32 characters expected');
    return name;
  };
  if (text[at] === '-') at++;
  else {
    if (text[at] !== '[') fail('STRUCTURED-DATA: NILVALUE or "[" expected');
    while (text[at] === '[') {
      at++;
      const id = sdName(' ]');
      if (id.includes('@') && !/^[^@]+@\d+(\.\d+)*$/.test(id)) fail('SD-ID: name@<private enterprise number> expected');
      const params: [string, string][] = [];
      while (text[at] === ' ') {
        at++;
        const name = sdName('=');
        if (text.slice(at, at + 2) !== '="') fail('SD-PARAM: ="value" expected');
        at += 2;
        let value = '';
        for (;;) {
          if (at >= text.length) fail('PARAM-VALUE: no closing quote');
          const c = text[at] ?? '';
          if (c === '\\') {
            const next = text[at + 1] ?? '';
            // §6.3.3: only '"', '\' and ']' are escaped; a backslash before anything else is kept as is.
            if ('"\\]'.includes(next)) {
              value += next;
              at += 2;
            } else {
              value += c;
              at++;
            }
            continue;
          }
          if (c === '"') break;
          if (c === ']') fail('PARAM-VALUE: "]" MUST be escaped');
          value += c;
          at++;
        }
        at++;
        params.push([name, value]);
      }
      if (text[at] !== ']') fail('SD-ELEMENT: "]" expected');
      at++;
      structuredData.push({ id, params });
    }
  }
  let msg = '';
  if (at < text.length) {
    if (text[at] !== ' ') fail('SP before MSG expected');
    msg = text.slice(at + 1);
  }
  return { pri, version: Number(head[2]), timestamp, hostname, appName, procId, msgId, structuredData, msg };
}

/** The params of one SD element as a record (names as sent: rsyslog would lowercase them). */
export const sdParams = (m: Syslog5424, id: string): Record<string, string> => Object.fromEntries(m.structuredData.find((e) => e.id === id)?.params ?? []);
