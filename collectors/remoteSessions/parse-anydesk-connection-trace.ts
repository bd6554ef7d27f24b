import { cleanPeerId, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * AnyDesk's connection_trace.txt: one line per connection attempt, columns separated by runs of spaces or tabs:
 * direction ("Incoming"/"Outgoing"), "YYYY-MM-DD, HH:MM", the authentication ("User", "Passwd", "Token", "REJECTED"),
 * then the originating alias and/or AnyDesk id. A REJECTED line is no session and is left out. Times are read as UTC
 * (the trace files' convention); the file has no end times.
 */
export function parseAnydeskConnectionTrace(text: string, source = 'anydesk:connection_trace'): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/^(Incoming|Outgoing)\b/i.test(line)) continue;
    const m = /^(Incoming|Outgoing)\s+(\d{4})-(\d{2})-(\d{2}),\s*(\d{2}):(\d{2})\s+(\S+)\s*(.*)$/i.exec(line);
    if (!m) {
      skipped += 1;
      continue;
    }
    const [, dir, y, mo, d, h, mi, auth, rest] = m;
    if (auth!.toUpperCase() === 'REJECTED') continue;
    const start = utcIso(Number(y), Number(mo), Number(d), Number(h), Number(mi));
    if (!start) {
      skipped += 1;
      continue;
    }
    // The peer is the first AnyDesk id (digits) in the rest; an alias-only line keeps the alias.
    const tokens = (rest ?? '').split(/\s+/).filter(Boolean);
    const id = tokens.find((t) => /^\d{6,12}$/.test(t)) ?? tokens[0];
    const peerId = id ? cleanPeerId(id) : undefined;
    sessions.push({ tool: 'anydesk', direction: dir!.toLowerCase() === 'incoming' ? 'incoming' : 'outgoing', start, ...(peerId ? { peerId } : {}), source });
  }
  return { sessions, skipped };
}
