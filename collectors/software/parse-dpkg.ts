import type { SoftwareItem } from '../../schema/snapshot/software.js';

export interface DpkgResult {
  items: SoftwareItem[];
  /** Stanzas that could not be read (no Package/Status, installed without Version), with why. */
  problems: string[];
}

interface Stanza { first?: string; package?: string; status?: string; version?: string }

/**
 * Parses the dpkg status database (/var/lib/dpkg/status): deb822 stanzas separated by blank lines. Only packages
 * whose `Status:` is "install ok installed" count; removed or half-configured ones are not installed software.
 * One pass over the lines, looking only at the three fields it needs (descriptions are most of the file).
 * `seen` carries multiarch de-duplication across calls when the caller feeds the file in chunks.
 */
export function parseDpkgStatus(text: string, seen: Set<string> = new Set()): DpkgResult {
  const items: SoftwareItem[] = [];
  const problems: string[] = [];
  let s: Stanza = {};
  const finish = () => {
    if (s.first === undefined) return;
    const { first, package: name, status, version } = s;
    s = {};
    if (!name || status === undefined) {
      problems.push(`dpkg stanza skipped: no ${name ? 'Status' : 'Package'} (${JSON.stringify(first)})`);
      return;
    }
    if (status !== 'install ok installed' && status.split(/\s+/).join(' ') !== 'install ok installed') return;
    if (!version) problems.push(`dpkg package ${name} has no Version`);
    const key = `${name}\0${version ?? ''}`;
    if (seen.has(key)) return; // the same package for two architectures (multiarch)
    seen.add(key);
    items.push({ name, ...(version ? { version } : {}), source: 'dpkg' });
  };
  // Lines are looked at in place: only a stanza's first line and the three fields are cut out (a desktop's file is
  // 20,000+ lines, mostly descriptions; a string per line was most of the parse's time and garbage).
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const lineStart = start;
    start = end + 1;
    const c = text.charCodeAt(lineStart);
    // Most lines are told apart by their first one or two characters; blank() only for the rest.
    if (!(c > 32 && c < 127)) {
      const next = text.charCodeAt(lineStart + 1);
      if (lineStart + 1 < lineEnd && next > 32 && next < 127 && (c === 32 || c === 9)) continue; // continuation
      if (blank(text, lineStart, lineEnd)) { finish(); continue; }
      if (c === 32 || c === 9) continue; // continuation of a multi-line field
    }
    s.first ??= text.slice(lineStart, Math.min(lineStart + 40, lineEnd));
    const colon = text.indexOf(':', lineStart);
    if (colon <= lineStart || colon >= lineEnd) continue;
    // Lower-casing never shortens a string: a key longer than "package" cannot be one of the three.
    if (colon - lineStart > 7) continue;
    const key = text.slice(lineStart, colon).toLowerCase();
    if (key === 'package') s.package = text.slice(colon + 1, lineEnd).trim();
    else if (key === 'status') s.status = text.slice(colon + 1, lineEnd).trim();
    else if (key === 'version') s.version = text.slice(colon + 1, lineEnd).trim();
  }
  finish();
  return { items, problems };
}

/** The line is empty or whitespace only, as String.prototype.trim sees it. */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!trimmed(text.charCodeAt(i))) return false;
  return true;
}

/** ECMAScript WhiteSpace and LineTerminator: what trim() removes. */
function trimmed(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
