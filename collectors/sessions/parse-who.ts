/**
 * Pure parser of GNU `who` output under LC_ALL=C ("NAME LINE YYYY-MM-DD HH:MM [(COMMENT)]"), with or
 * without the -H header. Times are local wall-clock without a zone: `toDate` turns them into instants
 * (the caller passes the zone `who` ran in, which is ours).
 */
export interface WhoEntry {
  user: string;
  line: string;
  /** Local wall-clock time as printed, "YYYY-MM-DD HH:MM". */
  time: string;
  /** The parenthesised comment: remote host, ":0", or "login screen". */
  comment?: string;
}

export interface WhoParse {
  entries: WhoEntry[];
  /** Lines that did not have the expected shape (counted, never thrown). */
  skipped: string[];
}

const LINE = /^(\S+)\s+(\S+)\s+(\d{4}-\d{2}-\d{2} \d{2}:\d{2})(?:\s+\((.*)\))?\s*$/;

export function parseWho(text: string): WhoParse {
  const entries: WhoEntry[] = [];
  const skipped: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^NAME\s+LINE\s+TIME/.test(line)) continue;
    const m = LINE.exec(line);
    if (!m) {
      skipped.push(line);
      continue;
    }
    entries.push({ user: m[1]!, line: m[2]!, time: m[3]!, ...(m[4] !== undefined ? { comment: m[4] } : {}) });
  }
  return { entries, skipped };
}

/** "YYYY-MM-DD HH:MM" in the process's local zone → Date. */
export function localWhoTime(time: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(time);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
