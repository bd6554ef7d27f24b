/**
 * Pure parser of BSD/macOS `who` output: "NAME LINE Mon DD HH:MM [(HOST)]" (C locale month names, no year;
 * `who -aH` adds IDLE/PID columns, a header, "~" reboot and run-level lines, which are skipped and counted).
 */
export interface BsdWhoEntry {
  user: string;
  line: string;
  month: number; // 0-11
  day: number;
  hour: number;
  minute: number;
  host?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LINE = /^(\S+)\s+(\S+)\s+([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2})(?:\s(.*))?$/;

export function parseBsdWho(text: string): { entries: BsdWhoEntry[]; skipped: string[] } {
  const entries: BsdWhoEntry[] = [];
  const skipped: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^USER\s+LINE\s+WHEN/.test(line)) continue;
    const m = LINE.exec(line);
    const month = m ? MONTHS.indexOf(m[3]!) : -1;
    if (!m || month < 0 || m[2] === '~') {
      skipped.push(line);
      continue;
    }
    const host = /\(([^)]*)\)/.exec(m[7] ?? '')?.[1];
    entries.push({
      user: m[1]!, line: m[2]!, month, day: Number(m[4]), hour: Number(m[5]), minute: Number(m[6]),
      ...(host ? { host } : {}),
    });
  }
  return { entries, skipped };
}

/** The login instant in local time: this year, or last year when that would be in the future (who prints no year). */
export function bsdWhoDate(e: BsdWhoEntry, now: Date): Date {
  const at = new Date(now.getFullYear(), e.month, e.day, e.hour, e.minute);
  if (at.getTime() > now.getTime() + 24 * 3600_000) at.setFullYear(at.getFullYear() - 1);
  return at;
}

/** `lsof -nP -iTCP:5900 -sTCP:ESTABLISHED` lines: pid, user and the peer address of each screen-sharing connection. */
export function parseLsofPeers(text: string): { pid: number; user: string; peer: string }[] {
  const out: { pid: number; user: string; peer: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\S+\s+(\d+)\s+(\S+)\s.*\sTCP\s+\S+->(\[[^\]]+\]|[^:\s]+):\d+\s+\(ESTABLISHED\)/.exec(line);
    if (m) out.push({ pid: Number(m[1]), user: m[2]!, peer: m[3]!.replace(/^\[|\]$/g, '') });
  }
  return out;
}
