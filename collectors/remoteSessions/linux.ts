import { join } from 'node:path';
import type { CollectContext, CollectResult } from '../types.js';
import { filesIn, homesUnder } from './homes.js';
import { parseAnydeskConnectionTrace } from './parse-anydesk-connection-trace.js';
import { parseAnydeskTrace } from './parse-anydesk-trace.js';
import { parseChromotingLog } from './parse-chromoting-log.js';
import { parseRustdeskLog } from './parse-rustdesk-log.js';
import { parseTeamviewerIncoming } from './parse-teamviewer-incoming.js';
import { parseTeamviewerLog } from './parse-teamviewer-log.js';
import { readLogs, type LogFile } from './read-logs.js';
import type { RemoteSessions } from '../../schema/snapshot/remoteSessions.js';

/** The Linux logs of the remote tools, found under `root` (/ on a laptop; a temporary tree in tests). */
export async function linuxLogFiles(root = '/'): Promise<LogFile[]> {
  const at = (...parts: string[]) => join(root, ...parts);
  const files: LogFile[] = [
    { source: 'anydesk:ad_svc.trace', path: at('var/log/anydesk.trace'), owners: [0], parse: (t) => parseAnydeskTrace(t) },
    { source: 'anydesk:connection_trace', path: at('etc/anydesk/connection_trace.txt'), owners: [0], parse: (t) => parseAnydeskConnectionTrace(t) },
  ];
  for (const dir of await filesIn(at('var/log'), /^teamviewer\d*$/, [0])) {
    for (const f of await filesIn(dir, /^TeamViewer\d+_Logfile\.log$/, [0])) files.push({ source: 'teamviewer:logfile', path: f, owners: [0], parse: (t) => parseTeamviewerLog(t) });
    for (const f of await filesIn(dir, /^connections_incoming\.txt$/i, [0])) files.push({ source: 'teamviewer:connections_incoming', path: f, owners: [0], parse: (t) => parseTeamviewerIncoming(t) });
  }
  for (const home of await homesUnder([at('home')], [at('root')])) {
    const own = [home.uid];
    files.push(
      { source: 'anydesk:ad.trace', path: join(home.path, '.anydesk/anydesk.trace'), owners: own, parse: (t) => parseAnydeskTrace(t, 'anydesk:ad.trace') },
      { source: 'anydesk:connection_trace', path: join(home.path, '.anydesk/connection_trace.txt'), owners: own, parse: (t) => parseAnydeskConnectionTrace(t) },
    );
    for (const f of await filesIn(join(home.path, '.local/share/logs/RustDesk/server'), /\.log$/, own)) files.push({ source: 'rustdesk:server-log', path: f, owners: own, fixed: false, parse: (t) => parseRustdeskLog(t) });
    for (const f of await filesIn(join(home.path, '.config/chrome-remote-desktop'), /\.log$/, own)) files.push({ source: 'chrome-remote-desktop:host-log', path: f, owners: own, fixed: false, parse: (t, now) => parseChromotingLog(t, undefined, now.getUTCFullYear()) });
  }
  return files;
}

/** Reads each log's tail since the last reading; forks nothing. */
export function collectUnder(root: string) {
  return async (ctx: CollectContext): Promise<CollectResult<RemoteSessions>> => {
    const { data, notes } = await readLogs(ctx, await linuxLogFiles(root), 'linux');
    return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
  };
}

export const collect = collectUnder('/');
