import type { SoftwareItem } from '../../schema/snapshot/software.js';

/** The fixed query the rpm fallback runs: one line per package, name TAB version-release. */
export const rpmQueryArgs = ['-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\n'] as const;

/** Parses `rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\n'`; gpg-pubkey entries are signing keys, not software. */
export function parseRpmQa(text: string): { items: SoftwareItem[]; problems: string[] } {
  const items: SoftwareItem[] = [];
  const problems: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [name, version, extra] = line.split('\t');
    if (!name || !version || extra !== undefined) {
      problems.push(`rpm line skipped: ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    if (name === 'gpg-pubkey') continue;
    items.push({ name, version, source: 'rpm' });
  }
  return { items, problems };
}
