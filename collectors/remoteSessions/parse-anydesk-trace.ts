import { cleanPeerId, peerAddressOf, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * AnyDesk's ad_svc.trace / ad.trace: `  info 2024-03-02 01:14:09.311  back  4300  4412  anynet.any_socket - message`.
 * An incoming session opens at "Incoming session request: <name> (<id>)" or "accept request from <id>", takes the
 * peer's address from the nearest "Logged in from <ip:port> on relay <id>" / "Accepting from <ip:port>" around it,
 * and closes at "Session closed" / "session close" / "Session stopped". Outgoing ones open at `Connecting to "<id>"`.
 * Times are UTC, as AnyDesk writes them.
 */
export function parseAnydeskTrace(text: string, source = 'anydesk:ad_svc.trace'): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  let open: RemoteSession | undefined;
  let lastAddress: { at: number; address: string } | undefined;
  let lineNo = 0;
  for (const raw of text.split(/\r?\n/)) {
    lineNo += 1;
    const m = /^\s*\w+\s+(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?\s+.*?\s([\w.]+)\s+-\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, y, mo, d, h, mi, s, ms, , message] = m;
    const at = utcIso(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number((ms ?? '0').padEnd(3, '0')));
    const msg = message!;
    const addr = /(?:Logged in from|Accepting from|Accepted connection from)\s+(\S+?)\.?(?:\s|$)/i.exec(msg);
    if (addr) {
      // A relay's address (dropped) also ends what an earlier line said: it is not this session's peer.
      const address = peerAddressOf(addr[1]!);
      lastAddress = address ? { at: lineNo, address } : undefined;
      if (address && open && open.peerAddress === undefined && open.direction === 'incoming' && open.end === undefined) open.peerAddress = address;
      continue;
    }
    const incoming = /Incoming session request:.*\((\d{6,12})\)\s*\.?$/i.exec(msg) ?? /accept request from\s+(\d{6,12})/i.exec(msg);
    const outgoing = /Connecting to\s+"?(\d{6,12})"?/i.exec(msg);
    if (incoming || outgoing) {
      if (!at) {
        skipped += 1;
        continue;
      }
      // A request repeated for one session (the service and the UI both log it) is not a second session.
      const peerId = cleanPeerId((incoming ?? outgoing)![1]!);
      const direction = incoming ? 'incoming' : 'outgoing';
      if (open && open.peerId === peerId && open.direction === direction && open.end === undefined) continue;
      if (open && open.end === undefined) sessions.push(open);
      open = { tool: 'anydesk', direction, start: at, ...(peerId ? { peerId } : {}), source };
      // The relay login is logged a few lines before the request.
      if (direction === 'incoming' && lastAddress && lineNo - lastAddress.at <= 20) open.peerAddress = lastAddress.address;
      lastAddress = undefined;
      continue;
    }
    if (/Session (closed|stopped)|session close/i.test(msg) && open && at) {
      open.end = at;
      sessions.push(open);
      open = undefined;
    }
  }
  if (open) sessions.push(open);
  return { sessions, skipped };
}
