import type { SoftwareItem } from '../../schema/snapshot/software.js';

export interface UnitDir {
  /** e.g. /etc/systemd/system */
  dir: string;
  entries: string[];
}

/** "getty@tty1.service" → "getty@.service": an enabled instance enables its template too. */
function templateOf(unit: string): string | undefined {
  const m = /^([^@]+@)[^.]*(\.service)$/.exec(unit);
  return m ? `${m[1]}${m[2]}` : undefined;
}

/**
 * systemd service units from directory listings, earlier directories first (their files win, as in systemd's own
 * search path). `wanted` holds the names found in every *.wants folder: a unit is enabled when a link to it is there.
 */
export function serviceUnits(dirs: readonly UnitDir[], wanted: ReadonlySet<string>): SoftwareItem[] {
  const enabled = new Set<string>();
  for (const w of wanted) {
    enabled.add(w);
    const t = templateOf(w);
    if (t) enabled.add(t);
  }
  const seen = new Map<string, SoftwareItem>();
  for (const { dir, entries } of dirs) {
    for (const name of entries) {
      if (!name.endsWith('.service') || seen.has(name)) continue;
      seen.set(name, { name, source: 'systemd', path: `${dir}/${name}`, enabled: enabled.has(name) });
    }
  }
  return [...seen.values()];
}
