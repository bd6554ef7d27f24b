import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { SessionLog } from '../../schema/snapshot/remoteSessions.js';

/** What the agent keeps of one log between reads (CollectContext.memory). */
export interface LogMark {
  dev: number;
  ino: number;
  /** Bytes consumed so far (always at a line end). */
  offset: number;
  /** Sessions this log has yielded since the agent first read it: a log that held some and then shrank or vanished is a tamper sign. */
  sessions: number;
}

export interface TailRules {
  /** Owners (uids) the file may have: root for system logs, the home's owner for a user's. Ignored on Windows (uid is always 0 there). */
  owners: readonly number[];
  /** Most bytes read in one go; an older part of a longer tail is skipped (and said so). */
  maxBytes: number;
}

export type TailResult =
  | { state: 'read'; text: string; mark: LogMark; skippedBytes: number; rotated: boolean; shrunk: boolean }
  | { state: Exclude<SessionLog['state'], 'read'>; reason: string; mark?: LogMark };

/** O_NOFOLLOW does not exist on Windows; there lstat's answer is the only check. */
const noFollow = constants.O_NOFOLLOW ?? 0;
const nonBlock = constants.O_NONBLOCK ?? 0;

/**
 * Reads the tail of a log the laptop's user may control, as root, without ever being led astray: the path is
 * lstat'ed (a symbolic link, FIFO, socket or device is refused, never opened), opened with O_NOFOLLOW|O_NONBLOCK (so a
 * link swapped in after the lstat fails, and a FIFO swapped in never blocks), the open file must be the very inode
 * that was checked, owned by an allowed uid and not writable by everyone. Reads from the last offset to the end, at
 * most `maxBytes`, and stops at the last complete line. A file with a new inode (rotation) is read from its start.
 */
export async function readTail(path: string, previous: LogMark | undefined, rules: TailRules, platform: NodeJS.Platform = process.platform): Promise<TailResult> {
  let st: Stats;
  try {
    st = await lstat(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (previous && previous.sessions > 0) return { state: 'vanished', reason: 'the log held sessions at an earlier read and is gone now' };
      return { state: 'absent', reason: 'no such file' };
    }
    return { state: 'refused', reason: `lstat failed: ${code ?? 'error'}` };
  }
  const kind = fileKind(st);
  if (kind !== 'file') return { state: 'refused', reason: `not a regular file (${kind})` };
  const ownerProblem = checkOwner(st, rules, platform);
  if (ownerProblem) return { state: 'refused', reason: ownerProblem };

  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | noFollow | nonBlock);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { state: 'refused', reason: code === 'ELOOP' ? 'became a symbolic link while being opened' : `open failed: ${code ?? 'error'}` };
  }
  try {
    const fst = await handle.stat();
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev) return { state: 'refused', reason: 'the file changed between its check and its opening' };
    const sameFile = previous !== undefined && previous.ino === fst.ino && previous.dev === fst.dev;
    const rotated = previous !== undefined && !sameFile;
    const shrunk = sameFile && fst.size < previous.offset;
    let from = sameFile && !shrunk ? previous.offset : 0;
    if (previous === undefined || rotated || shrunk) from = 0;
    let skippedBytes = 0;
    if (fst.size - from > rules.maxBytes) {
      skippedBytes = fst.size - rules.maxBytes - from;
      from = fst.size - rules.maxBytes;
    }
    const length = Math.max(0, fst.size - from);
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await handle.read(buf, got, length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    let data = buf.subarray(0, got);
    // A partial first line after a skip is cut off; a partial last line waits for the next read.
    let start = 0;
    if (skippedBytes > 0) {
      const nl = data.indexOf(0x0a);
      start = nl < 0 ? data.length : nl + 1;
    }
    const lastNl = data.lastIndexOf(0x0a);
    const end = lastNl < start ? start : lastNl + 1;
    data = data.subarray(start, end);
    const mark: LogMark = { dev: fst.dev, ino: fst.ino, offset: from + end, sessions: sameFile && !shrunk ? previous.sessions : rotated ? 0 : previous?.sessions ?? 0 };
    return { state: 'read', text: decode(data), mark, skippedBytes: skippedBytes + start, rotated, shrunk };
  } finally {
    await handle.close();
  }
}

function fileKind(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symbolic link';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isDirectory()) return 'directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return 'other';
}

function checkOwner(st: Stats, rules: TailRules, platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return undefined;
  if (!rules.owners.includes(st.uid)) return `owned by uid ${st.uid}, expected ${rules.owners.join(' or ')}`;
  if ((st.mode & 0o002) !== 0) return 'writable by every user';
  return undefined;
}

/** UTF-8, or UTF-16LE when the file starts with its byte-order mark (Windows tools write either). */
function decode(data: Buffer): string {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return data.subarray(2).toString('utf16le');
  return data.toString('utf8');
}

/** lstat of a directory to list: a symbolic link to one is never followed, and it must be owned as expected. */
export async function safeDirectory(path: string, owners: readonly number[], platform: NodeJS.Platform = process.platform): Promise<'ok' | 'absent' | string> {
  try {
    const st = await lstat(path);
    if (!st.isDirectory()) return st.isSymbolicLink() ? 'directory is a symbolic link' : 'not a directory';
    if (platform !== 'win32' && !owners.includes(st.uid)) return `directory owned by uid ${st.uid}`;
    return 'ok';
  } catch {
    return 'absent';
  }
}
