import type { SoftwareItem } from './schema.js';

export interface DpkgResult {
  items: SoftwareItem[];
  /** Stanzas that could not be read (no Package/Status, installed without Version), with why. */
  problems: string[];
}

/** Fields of one deb822 stanza; continuation lines (leading space) belong to the field before and are ignored here. */
function fields(stanza: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stanza.split('\n')) {
    if (line === '' || line.startsWith(' ') || line.startsWith('\t')) continue;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

/**
 * Parses the dpkg status database (/var/lib/dpkg/status): stanzas separated by blank lines. Only packages whose
 * `Status:` is "install ok installed" count; removed or half-configured ones are not installed software.
 */
export function parseDpkgStatus(text: string): DpkgResult {
  const items: SoftwareItem[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const stanza of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    if (!stanza.trim()) continue;
    const f = fields(stanza);
    const name = f.get('package');
    const status = f.get('status');
    if (!name || status === undefined) {
      problems.push(`dpkg stanza skipped: no ${name ? 'Status' : 'Package'} (${JSON.stringify(stanza.trim().slice(0, 40))})`);
      continue;
    }
    if (status.split(/\s+/).join(' ') !== 'install ok installed') continue;
    const version = f.get('version');
    if (!version) problems.push(`dpkg package ${name} has no Version`);
    const key = `${name}\0${version ?? ''}`;
    if (seen.has(key)) continue; // the same package for two architectures (multiarch)
    seen.add(key);
    items.push({ name, ...(version ? { version } : {}), source: 'dpkg' });
  }
  return { items, problems };
}
