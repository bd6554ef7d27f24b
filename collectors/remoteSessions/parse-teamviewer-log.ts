import { cleanPeerId, peerAddressOf, fromLocal, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * TeamViewerNN_Logfile.log: `2024/02/16 06:16:47.388  2216  2488 S0   message`, in the machine's local time; the
 * header block each start writes gives the offset ("Start: 2024/02/16 06:05:19.548 (UTC-8:00)"); `defaultOffsetMinutes`
 * applies until one is seen. An incoming session starts at "Connection incoming, sessionID = N"; its partner is the
 * first participant added ("AddParticipant: [id,session]") whose id is not this machine's ("SetMyParticipantIdentifier():
 * pid=[id,…]"); its address comes from "punch received a=<ip:port>"; it ends at "Session to <id> ended" or when the
 * partner is removed ("RemoveParticipant: [id,…]").
 */
export function parseTeamviewerLog(text: string, source = 'teamviewer:logfile', defaultOffsetMinutes = 0): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  let offset = defaultOffsetMinutes;
  let myId: string | undefined;
  let pending: { start: string; session: string } | undefined;
  let open: RemoteSession | undefined;
  const close = (at: string) => {
    if (!open) return;
    open.end = at;
    sessions.push(open);
    open = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const header = /^Start:\s+\d{4}\/\d{2}\/\d{2} [\d:.]+ \(UTC([+-])(\d{1,2}):(\d{2})\)/.exec(raw);
    if (header) {
      offset = (header[1] === '-' ? -1 : 1) * (Number(header[2]) * 60 + Number(header[3]));
      continue;
    }
    const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})\s+\d+\s+\d+\s+\S+\s+(.*)$/.exec(raw);
    if (!m) continue;
    const wall = utcIso(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
    const msg = m[8]!;
    if (!wall) {
      if (/Connection incoming|AddParticipant/.test(msg)) skipped += 1;
      continue;
    }
    const at = fromLocal(wall, offset);
    const mine = /SetMyParticipantIdentifier\(\): pid=\[(\d+),/.exec(msg);
    if (mine) {
      myId = mine[1];
      continue;
    }
    const incoming = /Connection incoming, sessionID = (-?\d+)/.exec(msg);
    if (incoming) {
      // The GUI, the service and the desktop process each log the same session: the first one opens it.
      if (pending?.session !== incoming[1] && open === undefined) pending = { start: at, session: incoming[1]! };
      continue;
    }
    const added = /CPersistentParticipantManager::AddParticipant: \[(\d+),(-?\d+)\]/.exec(msg);
    if (added && pending && added[1] !== myId) {
      const peerId = cleanPeerId(added[1]!);
      open = { tool: 'teamviewer', direction: 'incoming', start: pending.start, ...(peerId ? { peerId } : {}), source };
      pending = undefined;
      continue;
    }
    const punch = /punch received a=(\S+?):?\s*(?:\(|$)/.exec(msg) ?? /punch received a=(\S+)/.exec(msg);
    if (punch && open && open.peerAddress === undefined) {
      const address = peerAddressOf(punch[1]!.replace(/:$/, ''));
      if (address) open.peerAddress = address;
      continue;
    }
    const ended = /Session to (\d+) ended/.exec(msg);
    if (ended && open && open.peerId === ended[1]) {
      close(at);
      continue;
    }
    const removed = /CPersistentParticipantManager::RemoveParticipant: \[(\d+),/.exec(msg);
    if (removed && open && open.peerId === removed[1]) close(at);
  }
  if (open) sessions.push(open);
  return { sessions, skipped };
}
