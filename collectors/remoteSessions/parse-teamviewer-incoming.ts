import { cleanPeerId, utcIso, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/**
 * TeamViewer's Connections_incoming.txt: one tab-separated line per finished incoming session: the partner's
 * TeamViewer id, its display name, start and end as "DD-MM-YYYY HH:MM:SS" in UTC, the local account, the kind
 * (RemoteControl, FileTransfer, …) and the connection's GUID. The display name is not kept.
 */
export function parseTeamviewerIncoming(text: string, source = 'teamviewer:connections_incoming'): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    const cols = raw.split('\t').map((c) => c.trim());
    // Older versions pad with spaces instead of single tabs: drop the empty columns between.
    const fields = cols.filter((c) => c.length > 0);
    const start = fields.length >= 3 ? dmy(fields[2]!) : undefined;
    const id = fields[0];
    if (!id || !/^\d{6,12}$/.test(id) || !start) {
      skipped += 1;
      continue;
    }
    const end = fields[3] ? dmy(fields[3]) : undefined;
    const peerId = cleanPeerId(id);
    sessions.push({ tool: 'teamviewer', direction: 'incoming', start, ...(end ? { end } : {}), ...(peerId ? { peerId } : {}), source });
  }
  return { sessions, skipped };
}

function dmy(text: string): string | undefined {
  const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m ? utcIso(Number(m[3]), Number(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}
