/**
 * Agent-chosen text (hostnames, device ids, process names, titles, evidence) on its way into line-based formats.
 * C0 controls, DEL, C1 controls and the Unicode line and paragraph separators break a record at a line-based hop
 * (a syslog relay, a file tailer, a chat client) or forge a second one: each run of them becomes one space.
 */
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export const oneLine = (v: string): string => v.replace(controls, ' ');

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function cutBytes(v: string, max: number): string {
  if (Buffer.byteLength(v, 'utf8') <= max) return v;
  let out = '';
  let bytes = 0;
  for (const ch of v) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** A string of at most `max` characters (whole code points), ending in "…" when it was cut. */
export function shorten(v: string, max: number): string {
  const chars = [...v];
  return chars.length <= max ? v : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export const byteLength = (v: string): number => Buffer.byteLength(v, 'utf8');

/**
 * JSON on one line: JSON.stringify escapes C0 controls but leaves DEL, C1 controls and U+2028/U+2029 raw; they are
 * escaped here as \uXXXX, so the text stays the same JSON and carries no character a line-based hop acts on.
 */
export const jsonOneLine = (value: unknown): string =>
  (JSON.stringify(value) ?? 'null').replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
