import { cleanPeerId, peerAddressOf, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

const months: Record<string, number> = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };

/**
 * Chrome Remote Desktop host events, as the host's event logger writes them (Chromium remoting/host
 * host_event_logger_posix.cc, to syslog; the Windows event source "chromoting" has the same texts):
 * "Client connected: <jid>", "Channel IP for client: <jid> ip='<ip:port>' host_ip='…' channel='…' connection='direct|stun|relay'",
 * "Client disconnected: <jid>". The peer id is the client's account (the JID without its resource); a relayed
 * channel's ip is Google's relay and is not kept. Line stamps: RFC 3339 (journald short-iso, rsyslog) or the classic
 * "Mar 13 10:10:10" read in `year`, as UTC.
 */
export function parseChromotingLog(text: string, source = 'chrome-remote-desktop:host-log', year = new Date().getUTCFullYear()): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  const open = new Map<string, RemoteSession>();
  for (const raw of text.split(/\r?\n/)) {
    const event = /(Client connected|Client disconnected|Channel IP for client): (\S+?)\.?(?:\s(.*))?$/.exec(raw);
    if (!event) continue;
    const at = stampOf(raw, year);
    if (!at) {
      skipped += 1;
      continue;
    }
    const account = cleanPeerId(event[2]!.split('/')[0]!);
    if (!account) {
      skipped += 1;
      continue;
    }
    const kind = event[1]!;
    if (kind === 'Client connected') {
      const prior = open.get(account);
      if (prior) sessions.push(prior);
      open.set(account, { tool: 'chrome-remote-desktop', direction: 'incoming', start: at, peerId: account, source });
    } else if (kind === 'Client disconnected') {
      const s = open.get(account);
      if (s) {
        s.end = at;
        sessions.push(s);
        open.delete(account);
      }
    } else {
      const s = open.get(account);
      const ip = /ip='([^']*)'/.exec(event[3] ?? '')?.[1];
      const route = /connection='([^']*)'/.exec(event[3] ?? '')?.[1];
      if (s && s.peerAddress === undefined && ip && route !== 'relay') {
        const address = peerAddressOf(ip);
        if (address) s.peerAddress = address;
      }
    }
  }
  sessions.push(...open.values());
  return { sessions, skipped };
}

function stampOf(line: string, year: number): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?/.exec(line);
  if (iso) {
    const wall = utcIso(Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6]), Number((iso[7] ?? '0').slice(0, 3).padEnd(3, '0')));
    if (!wall) return undefined;
    const tz = iso[8];
    if (!tz || tz === 'Z') return wall;
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    return new Date(Date.parse(wall) - offset * 60_000).toISOString();
  }
  const classic = /^([A-Z][a-z]{2})\s+(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
  if (classic && months[classic[1]!]) return utcIso(year, months[classic[1]!]!, Number(classic[2]), Number(classic[3]), Number(classic[4]), Number(classic[5]));
  return undefined;
}

export { stampOf as chromotingStamp };
