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
    if (status.split(/\s+/).join(' ') !== 'install ok installed') return;
    if (!version) problems.push(`dpkg package ${name} has no Version`);
    const key = `${name}\0${version ?? ''}`;
    if (seen.has(key)) return; // the same package for two architectures (multiarch)
    seen.add(key);
    items.push({ name, ...(version ? { version } : {}), source: 'dpkg' });
  };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') { finish(); continue; }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9) continue; // continuation of a multi-line field
    s.first ??= line.slice(0, 40);
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    if (key === 'package') s.package = line.slice(colon + 1).trim();
    else if (key === 'status') s.status = line.slice(colon + 1).trim();
    else if (key === 'version') s.version = line.slice(colon + 1).trim();
  }
  finish();
  return { items, problems };
}
