import { join } from 'node:path';
import type { CollectContext, CollectResult } from '../types.js';
import { cycleInventory } from '../win32/inventory.js';
import { asRecord } from '../win32/ps-json.js';
import { filesIn, homesUnder } from './homes.js';
import { parseAnydeskConnectionTrace } from './parse-anydesk-connection-trace.js';
import { parseAnydeskTrace } from './parse-anydesk-trace.js';
import { parseRustdeskLog } from './parse-rustdesk-log.js';
import { parseTeamviewerIncoming } from './parse-teamviewer-incoming.js';
import { parseTeamviewerLog } from './parse-teamviewer-log.js';
import { parseWinRemoteEvents } from './parse-win-remote-events.js';
import { readLogs, type LogFile } from './read-logs.js';
import type { RemoteSessions } from '../../schema/snapshot/remoteSessions.js';
import { unseen } from './seen.js';

/** Windows has no uid; ownership is not checked there (tail-reader.ts), links and non-files still are refused. */
const anyOwner = [0] as const;

export async function win32LogFiles(env: Readonly<Record<string, string | undefined>>): Promise<LogFile[]> {
  const programData = env['ProgramData'] ?? 'C:\\ProgramData';
  const systemRoot = env['SystemRoot'] ?? 'C:\\Windows';
  const programFiles = [env['ProgramFiles'] ?? 'C:\\Program Files', env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)'];
  const files: LogFile[] = [
    { source: 'anydesk:ad_svc.trace', path: join(programData, 'AnyDesk', 'ad_svc.trace'), owners: anyOwner, parse: (t) => parseAnydeskTrace(t) },
    { source: 'anydesk:connection_trace', path: join(programData, 'AnyDesk', 'connection_trace.txt'), owners: anyOwner, parse: (t) => parseAnydeskConnectionTrace(t) },
  ];
  for (const pf of programFiles) {
    const dir = join(pf, 'TeamViewer');
    for (const f of await filesIn(dir, /^TeamViewer\d+_Logfile\.log$/i, anyOwner, 'win32')) files.push({ source: 'teamviewer:logfile', path: f, owners: anyOwner, parse: (t) => parseTeamviewerLog(t) });
    for (const f of await filesIn(dir, /^connections_incoming\.txt$/i, anyOwner, 'win32')) files.push({ source: 'teamviewer:connections_incoming', path: f, owners: anyOwner, parse: (t) => parseTeamviewerIncoming(t) });
  }
  for (const f of await filesIn(join(systemRoot, 'ServiceProfiles', 'LocalService', 'AppData', 'Roaming', 'RustDesk', 'log', 'server'), /\.log$/i, anyOwner, 'win32')) {
    files.push({ source: 'rustdesk:server-log', path: f, owners: anyOwner, fixed: false, parse: (t) => parseRustdeskLog(t) });
  }
  for (const home of await homesUnder([join(env['SystemDrive'] ?? 'C:', '\\Users')])) {
    const roaming = join(home.path, 'AppData', 'Roaming');
    files.push(
      { source: 'anydesk:ad.trace', path: join(roaming, 'AnyDesk', 'ad.trace'), owners: anyOwner, parse: (t) => parseAnydeskTrace(t, 'anydesk:ad.trace') },
      { source: 'anydesk:connection_trace', path: join(roaming, 'AnyDesk', 'connection_trace.txt'), owners: anyOwner, parse: (t) => parseAnydeskConnectionTrace(t) },
    );
    for (const f of await filesIn(join(roaming, 'RustDesk', 'log', 'server'), /\.log$/i, anyOwner, 'win32')) files.push({ source: 'rustdesk:server-log', path: f, owners: anyOwner, fixed: false, parse: (t) => parseRustdeskLog(t) });
  }
  return files;
}

/** The tools' log files, plus the OS's records of RDP and Chrome Remote Desktop sessions from the inventory's one event query. */
export async function collect(ctx: CollectContext): Promise<CollectResult<RemoteSessions>> {
  const { data, notes } = await readLogs(ctx, await win32LogFiles(ctx.env), 'win32');
  const inv = await cycleInventory(ctx);
  if ('failed' in inv) {
    notes.push(`Windows event records not read: ${inv.message.slice(0, 160)}`);
  } else {
    const section = inv.section('remoteLogons');
    if (section.ok) {
      const parsed = parseWinRemoteEvents(asRecord(section.data)?.events ?? []);
      data.sessions.push(...unseen(ctx, 'windows-events', parsed.sessions));
      data.logs.push({ source: 'windows:event-log', path: 'Get-WinEvent (TerminalServices, Security 4624 type 10, chromoting)', state: 'read' });
      if (parsed.skipped) notes.push(`windows events: ${parsed.skipped} record(s) not in the expected form`);
    } else {
      notes.push(`Windows event records not read: ${section.message.slice(0, 160)}`);
    }
  }
  return { status: 'ok', data, ...(notes.length ? { notes } : {}) };
}
