import { peerAddressOf, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * RustDesk's server log (flexi_logger): `[2025-03-02 01:14:09.311245 +01:00] DEBUG [src/server/connection.rs:1354]
 * #3 Connection opened from 203.0.113.9:52814.` … `#3 Connection closed: Closed manually by the peer`. The
 * connection number pairs the lines; RustDesk logs no peer id here, only the address. Times carry their offset.
 */
export function parseRustdeskLog(text: string, source = 'rustdesk:server-log'): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  const open = new Map<string, RemoteSession>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-])(\d{2}):(\d{2})\]\s+\w+\s+\[[^\]]*\]\s+(.*)$/.exec(raw);
    if (!m) {
      if (/Connection (opened|closed)/.test(raw)) skipped += 1;
      continue;
    }
    const wall = utcIso(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')));
    if (!wall) {
      skipped += 1;
      continue;
    }
    const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
    const at = new Date(Date.parse(wall) - offset * 60_000).toISOString();
    const msg = m[11]!;
    const opened = /^#(\d+) Connection opened from (\S+?)\.?$/.exec(msg);
    if (opened) {
      const address = peerAddressOf(opened[2]!);
      const prior = open.get(opened[1]!);
      if (prior) sessions.push(prior);
      open.set(opened[1]!, { tool: 'rustdesk', direction: 'incoming', start: at, ...(address ? { peerAddress: address } : {}), source });
      continue;
    }
    const closed = /^#(\d+) Connection closed/.exec(msg);
    if (closed) {
      const s = open.get(closed[1]!);
      if (s) {
        s.end = at;
        sessions.push(s);
        open.delete(closed[1]!);
      }
    }
  }
  sessions.push(...open.values());
  return { sessions, skipped };
}
