/** Name and path normalisation shared by catalog compilation and matching (so both sides agree). */

const suffixes = ['.exe', '.app', '.service'];

/** Lower-case basename without .exe/.app/.service: "C:\\Program Files\\AnyDesk\\AnyDesk.exe" → "anydesk". */
export function normaliseName(raw: string): string {
  let n = raw.trim();
  const slash = Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\'));
  if (slash >= 0 && slash < n.length - 1) n = n.slice(slash + 1);
  n = n.toLowerCase();
  for (const s of suffixes) if (n.endsWith(s) && n.length > s.length) n = n.slice(0, -s.length);
  return n;
}

/** Lower-case, forward slashes, no trailing slash: "C:\\Program Files\\X\\" → "c:/program files/x". */
export function normalisePath(raw: string): string {
  let p = raw.trim().replace(/\\/g, '/').toLowerCase();
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** Basename of a path-like string (argv[0], exe), or the string itself. */
export function basename(raw: string): string {
  const p = raw.replace(/\\/g, '/');
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** /proc/PID/comm keeps 15 bytes of the name (TASK_COMM_LEN 16 with the NUL). */
export const COMM_LENGTH = 15;

/** Glob with "*" (and "?") to an anchored regular expression; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function isGlob(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
