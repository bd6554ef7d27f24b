import type { Session } from '../../schema/snapshot/sessions.js';

export interface QuserRow {
  user: string;
  sessionName?: string;
  id: number;
  state: string;
  idle?: string;
  logon?: string;
  /** The ">" marker: the session quser itself ran in. */
  current: boolean;
}

/**
 * Parses `quser` (query user). Columns: USERNAME SESSIONNAME ID STATE IDLE TIME LOGON TIME; the header is localised,
 * so rows are read by shape: user, an optional session name (empty for a disconnected session), the numeric id, the
 * state, the idle time and the logon time (the rest of the line, in the machine's date format).
 */
export function parseQuser(text: string): { rows: QuserRow[]; skipped: number } {
  const rows: QuserRow[] = [];
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const current = raw.startsWith('>');
    const t = raw.replace(/^>/, '').trim().split(/\s+/);
    const idAt = [1, 2].find((i) => /^\d+$/.test(t[i] ?? '') && t[i + 1] !== undefined && !/^\d+$/.test(t[i + 1]!));
    if (idAt === undefined) {
      // The header (USERNAME SESSIONNAME ID …, in any language) and "No User exists for *".
      if (!/USERNAME|SESSIONNAME|No User exists/i.test(raw) && rows.length > 0) skipped += 1;
      continue;
    }
    const logon = t.slice(idAt + 3).join(' ');
    rows.push({
      user: t[0]!, ...(idAt === 2 ? { sessionName: t[1]! } : {}), id: Number(t[idAt]), state: t[idAt + 1]!,
      ...(t[idAt + 2] ? { idle: t[idAt + 2]! } : {}), ...(logon ? { logon } : {}), current,
    });
  }
  return { rows, skipped };
}

/** quser's logon time ("1/15/2026 9:02 AM", machine-local) as ISO; undefined when the format is not one Date reads. */
function logonIso(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** quser rows → sessions: "console" → console, "rdp-tcp#N" → rdp, a disconnected session (no name) → other. */
export function sessionsFromQuser(rows: readonly QuserRow[]): Session[] {
  return rows.map((r) => {
    const name = r.sessionName;
    const type: Session['type'] = name === undefined ? 'other' : /^console$/i.test(name) ? 'console' : /^rdp-tcp#\d+$/i.test(name) ? 'rdp' : 'other';
    const since = logonIso(r.logon);
    return { user: r.user, type, line: name ?? `disconnected (id ${r.id})`, ...(since ? { since } : {}) };
  });
}
