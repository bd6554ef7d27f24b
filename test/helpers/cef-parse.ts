/**
 * A strict CEF parser for the tests, written from "Implementing ArcSight CEF" (revision 25) and independent of the
 * product's formatter. Header: seven '|'-separated fields after "CEF:", where only \| and \\ are escapes. Extension:
 * space-separated key=value pairs; in values only \=, \\, \n and \r are escapes, and a literal '=' MUST be escaped,
 * so every unescaped '=' ends a key that starts after a space. Anything else is refused. (No maintained CEF parser
 * for Node was on npm; pycef is Python.)
 */
export interface Cef {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extension: Record<string, string>;
}

export class CefParseError extends Error {}

export function parseCef(text: string): Cef {
  if (/[\r\n]/.test(text)) throw new CefParseError('a CEF record is one line');
  if (!text.startsWith('CEF:')) throw new CefParseError('"CEF:" expected');
  const fields: string[] = [];
  let at = 4;
  let cur = '';
  while (fields.length < 7) {
    if (at >= text.length) throw new CefParseError(`header: ${fields.length} of 7 fields`);
    const c = text[at] ?? '';
    if (c === '\\') {
      const next = text[at + 1] ?? '';
      if (next !== '\\' && next !== '|') throw new CefParseError(`header: "\\${next}" is no header escape`);
      cur += next;
      at += 2;
    } else if (c === '|') {
      fields.push(cur);
      cur = '';
      at++;
    } else {
      cur += c;
      at++;
    }
  }
  const [version = '', vendor = '', product = '', productVersion = '', signatureId = '', name = '', severity = ''] = fields;
  if (!/^\d+$/.test(version)) throw new CefParseError('header: version is a number');
  if (!/^(\d|10|Unknown|Low|Medium|High|Very-High)$/.test(severity)) throw new CefParseError(`header: severity ${severity}`);
  return { version, vendor, product, productVersion, signatureId, name, severity, extension: parseExtension(text.slice(at)) };
}

function parseExtension(ext: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!ext) return out;
  // Unescaped '=' positions: a backslash escapes the character after it.
  const equals: number[] = [];
  for (let i = 0; i < ext.length; i++) {
    if (ext[i] === '\\') i++;
    else if (ext[i] === '=') equals.push(i);
  }
  const keys = equals.map((eq) => {
    let start = eq;
    while (start > 0 && /[A-Za-z0-9_.[\]]/.test(ext[start - 1] ?? '')) start--;
    if (start === eq) throw new CefParseError(`extension: "=" at ${eq} without a key (a literal "=" must be escaped)`);
    if (start > 0 && ext[start - 1] !== ' ') throw new CefParseError(`extension: key at ${start} does not follow a space`);
    return { start, eq };
  });
  if (keys[0]?.start !== 0) throw new CefParseError('extension: it must start with a key');
  keys.forEach((k, i) => {
    const next = keys[i + 1];
    const raw = ext.slice(k.eq + 1, next ? next.start - 1 : ext.length);
    const key = ext.slice(k.start, k.eq);
    if (Object.hasOwn(out, key)) throw new CefParseError(`extension: ${key} twice`);
    out[key] = raw.replace(/\\(.?)/g, (_, c: string) => {
      if (c === 'n') return '\n';
      if (c === 'r') return '\r';
      if (c === '\\' || c === '=') return c;
      throw new CefParseError(`extension: "\\${c}" is no extension escape (in ${key})`);
    });
  });
  return out;
}
