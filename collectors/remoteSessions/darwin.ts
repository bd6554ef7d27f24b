import { join } from 'node:path';
import { memoryOf } from '../memory.js';
import type { CollectContext, CollectResult } from '../types.js';
import { filesIn, homesUnder } from './homes.js';
import { parseAnydeskConnectionTrace } from './parse-anydesk-connection-trace.js';
import { parseAnydeskTrace } from './parse-anydesk-trace.js';
import { parseChromotingLog } from './parse-chromoting-log.js';
import { parseRustdeskLog } from './parse-rustdesk-log.js';
import { parseScreensharingLog } from './parse-screensharing-log.js';
import { parseTeamviewerIncoming } from './parse-teamviewer-incoming.js';
import { parseTeamviewerLog } from './parse-teamviewer-log.js';
import { readLogs, type LogFile } from './read-logs.js';
import type { RemoteSessions } from '../../schema/snapshot/remoteSessions.js';
import { unseen } from './seen.js';

/** The longest window `log show` is asked for: the unified log is large and slow to search. */
const maxWindowMinutes = 120;

export async function darwinLogFiles(root = '/'): Promise<LogFile[]> {
  const at = (...parts: string[]) => join(root, ...parts);
  const files: LogFile[] = [
    { source: 'chrome-remote-desktop:host-log', path: at('var/log/org.chromium.chromoting.log'), owners: [0], parse: (t, now) => parseChromotingLog(t, undefined, now.getUTCFullYear()) },
    { source: 'anydesk:ad_svc.trace', path: at('Library/Application Support/AnyDesk/ad_svc.trace'), owners: [0], parse: (t) => parseAnydeskTrace(t) },
  ];
  for (const f of await filesIn(at('Library/Logs/TeamViewer'), /^TeamViewer\d+_Logfile\.log$/, [0])) files.push({ source: 'teamviewer:logfile', path: f, owners: [0], parse: (t) => parseTeamviewerLog(t) });
  for (const f of await filesIn(at('Library/Application Support/TeamViewer'), /^connections_incoming\.txt$/i, [0])) files.push({ source: 'teamviewer:connections_incoming', path: f, owners: [0], parse: (t) => parseTeamviewerIncoming(t) });
  for (const home of await homesUnder([at('Users')], [at('var/root')])) {
    const own = [home.uid];
    files.push(
      { source: 'anydesk:ad.trace', path: join(home.path, '.anydesk/ad.trace'), owners: own, parse: (t) => parseAnydeskTrace(t, 'anydesk:ad.trace') },
      { source: 'anydesk:connection_trace', path: join(home.path, '.anydesk/connection_trace.txt'), owners: own, parse: (t) => parseAnydeskConnectionTrace(t) },
    );
    for (const f of await filesIn(join(home.path, 'Library/Logs/RustDesk/server'), /\.log$/, own)) files.push({ source: 'rustdesk:server-log', path: f, owners: own, fixed: false, parse: (t) => parseRustdeskLog(t) });
  }
  return files;
}

/** The log files' tails, plus one bounded `log show` for screensharingd since the last reading (at most 2 h). */
export async function collect(ctx: CollectContext): Promise<CollectResult<RemoteSessions>> {
  const { data, notes } = await readLogs(ctx, await darwinLogFiles('/'), 'darwin');
  const state = memoryOf(ctx, 'remoteSessions:logShow', () => ({ lastAt: 0 }));
  const now = ctx.now();
  const minutes = state.lastAt ? Math.min(maxWindowMinutes, Math.ceil((now.getTime() - state.lastAt) / 60_000) + 1) : maxWindowMinutes;
  try {
    const text = await ctx.exec('/usr/bin/log', ['show', '--style', 'syslog', '--last', `${minutes}m`, '--predicate', 'process == "screensharingd"'], { timeoutMs: 15_000, maxBuffer: 4 * 1024 * 1024 });
    state.lastAt = now.getTime();
    const parsed = parseScreensharingLog(text, 'macos:screensharingd', now.getUTCFullYear());
    data.sessions.push(...unseen(ctx, 'screensharingd', parsed.sessions));
    data.logs.push({ source: 'macos:screensharingd', path: 'log show (unified log)', state: 'read' });
  } catch (err) {
    notes.push(`log show for screensharingd failed: ${err instanceof Error ? err.message.slice(0, 160) : String(err)}`);
  }
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
