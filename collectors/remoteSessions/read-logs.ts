import { memoryOf } from '../memory.js';
import type { CollectContext } from '../types.js';
import type { ParsedLog } from './parse-common.js';
import type { RemoteSession, RemoteSessions, SessionLog } from '../../schema/snapshot/remoteSessions.js';
import { lstat } from 'node:fs/promises';
import { readTail, type LogMark } from './tail-reader.js';

/** One log file to read: where, whose it may be, and which pure parser reads it. */
export interface LogFile {
  source: string;
  path: string;
  /** uids the file (and its directory) may be owned by: 0 for system logs, the home's owner for a user's. */
  owners: readonly number[];
  parse(text: string, now: Date): ParsedLog;
  /**
   * False for logs found by listing a directory of rotating files (RustDesk's, Chrome Remote Desktop's): one of them
   * disappearing is rotation, not tampering. True (the default) for a log the tool keeps under one name.
   */
  fixed?: boolean;
}

/** Bytes read from one log per collection at most: a trace grows a few KB per session. */
export const maxTailBytes = 512 * 1024;
/** Logs remembered between cycles at most: beyond, the oldest marks are forgotten (and those logs read afresh). */
export const maxMarks = 256;
/** Sessions reported per collection at most, newest first kept. */
export const maxSessions = 200;

interface Memory {
  marks: Map<string, LogMark & { source: string; fixed: boolean }>;
}

/**
 * Reads each log's tail since the last read (marks kept in the collector memory), parses it, and says what happened to
 * every log. A log that held sessions and then shrank (same file, smaller than what was read) or vanished is reported
 * with that state, which the rules treat as tampering.
 */
export async function readLogs(ctx: CollectContext, files: readonly LogFile[], platform: NodeJS.Platform = process.platform): Promise<{ data: RemoteSessions; notes: string[] }> {
  const memory = memoryOf<Memory>(ctx, 'remoteSessions', () => ({ marks: new Map() }));
  const sessions: RemoteSession[] = [];
  const logs: SessionLog[] = [];
  const notes: string[] = [];
  const now = ctx.now();
  for (const file of files) {
    if (ctx.signal.aborted) break;
    const previous = memory.marks.get(file.path);
    const result = await readTail(file.path, previous, { owners: file.owners, maxBytes: maxTailBytes }, platform);
    if (result.state !== 'read') {
      if (result.state === 'absent') {
        memory.marks.delete(file.path);
        continue; // absent logs of tools that are not installed are the rule, not news
      }
      if (result.state === 'vanished') memory.marks.delete(file.path);
      logs.push({ source: file.source, path: file.path, state: result.state, reason: result.reason.slice(0, 256) });
      continue;
    }
    let parsed: ParsedLog;
    try {
      parsed = file.parse(result.text, now);
    } catch (err) {
      notes.push(`${file.source} ${file.path}: parser failed: ${err instanceof Error ? err.message : String(err)}`);
      parsed = { sessions: [], skipped: 0 };
    }
    const shrunkAfterSessions = result.shrunk && (previous?.sessions ?? 0) > 0;
    const mark = { ...result.mark, sessions: result.mark.sessions + parsed.sessions.length, source: file.source, fixed: file.fixed !== false };
    memory.marks.delete(file.path);
    memory.marks.set(file.path, mark);
    sessions.push(...parsed.sessions.map((s) => ({ ...s, source: file.source })));
    logs.push({
      source: file.source, path: file.path, state: shrunkAfterSessions ? 'shrunk' : 'read',
      ...(shrunkAfterSessions ? { reason: 'the log is shorter than what was already read from it, after holding sessions' } : {}),
    });
    if (parsed.skipped) notes.push(`${file.source}: ${parsed.skipped} line(s) looked like a session but could not be read`);
    if (result.skippedBytes > 0) notes.push(`${file.source}: ${result.skippedBytes} older bytes skipped (tail bounded to ${maxTailBytes})`);
  }
  // A fixed-name log found by listing its directory (TeamViewer's) is simply not listed once deleted: look for it.
  const listed = new Set(files.map((f) => f.path));
  for (const [path, mark] of [...memory.marks]) {
    if (listed.has(path) || !mark.fixed || mark.sessions === 0) continue;
    const gone = await lstat(path).then(() => false, (err: { code?: string }) => err.code === 'ENOENT' || err.code === 'ENOTDIR');
    if (!gone) continue;
    memory.marks.delete(path);
    logs.push({ source: mark.source, path, state: 'vanished', reason: 'the log held sessions at an earlier read and is gone now' });
  }
  while (memory.marks.size > maxMarks) memory.marks.delete(memory.marks.keys().next().value!);
  sessions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  if (sessions.length > maxSessions) notes.push(`${sessions.length - maxSessions} older session(s) left out (at most ${maxSessions} per reading)`);
  return { data: { sessions: sessions.slice(-maxSessions), logs }, notes };
}
