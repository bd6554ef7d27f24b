import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorCodeOf } from '../errors.js';
import { memoryOf } from '../memory.js';
import type { CollectContext } from '../types.js';
import { parseProcNetSockets, type ProcSocket } from './parse-proc-net-sockets.js';
import { parseSsTcpInfo, socketKey } from './parse-ss.js';
import type { Socket } from '../../schema/snapshot/network.js';
import { createOwnerMemory, findSocketOwners, procFds, type ProcFds } from './socket-owners.js';
import { unixTool } from '../programs.js';

const tables = [
  { file: 'tcp', protocol: 'tcp', family: 4 },
  { file: 'tcp6', protocol: 'tcp', family: 6 },
  { file: 'udp', protocol: 'udp', family: 4 },
  { file: 'udp6', protocol: 'udp', family: 6 },
] as const;

export interface Connections {
  /** undefined when no /proc/net table could be read at all. */
  sockets: Socket[] | undefined;
  notes: string[];
  /** The first read failure, for the error result when nothing was readable. */
  error?: unknown;
}

/** Sockets from /proc/net/{tcp,tcp6,udp,udp6}, owners from /proc/PID/fd, RTT from one `ss -tinH`. */
export async function readConnections(ctx: CollectContext, proc: ProcFds = procFds): Promise<Connections> {
  // where each socket was found last cycle (socket-owners.ts): the daemon's memory, else a fresh one
  const memory = memoryOf(ctx, 'network.socketOwners', createOwnerMemory);
  const notes: string[] = [];
  const rows: ProcSocket[] = [];
  let readable = 0;
  let firstError: unknown;
  // One table per turn of the event loop: /proc files are read synchronously (context.ts), and the kernel takes ~3 ms
  // to produce each TCP table even when nearly empty, more with hundreds of sockets.
  for (const t of tables) {
    const got = await ctx.readFile(`/proc/net/${t.file}`).then((text) => ({ text }), (err: unknown) => ({ err }));
    await yieldToLoop();
    if ('err' in got) {
      firstError ??= got.err;
      notes.push(`/proc/net/${t.file} unreadable (${errorCodeOf(got.err)})${t.family === 6 ? ': IPv6 may be disabled' : ''}; its sockets are missing`);
      continue;
    }
    readable++;
    const parsed = parseProcNetSockets(got.text, t.protocol, t.family);
    rows.push(...parsed.sockets);
    if (parsed.skipped) notes.push(`/proc/net/${t.file}: ${parsed.skipped} unreadable line(s) skipped`);
  }
  if (readable === 0) return { sockets: undefined, notes, error: firstError };

  // Inode 0: TIME_WAIT and other sockets no longer held by any file; nothing to look up.
  const wanted = new Set(rows.map((r) => r.inode).filter((i) => i !== 0));
  // ss is started first (a fork costs the parent a few ms: in a turn of its own) so that it runs while this process
  // walks the fd tables.
  const rttRead = readRtt(ctx, rows, notes);
  await yieldToLoop();
  const [rtt, owners] = await Promise.all([rttRead, findSocketOwners(wanted, proc, { signal: ctx.signal, memory })]);
  const unowned = [...wanted].filter((i) => !owners.byInode.has(i)).length;
  if (owners.deniedProcesses > 0) {
    notes.push(
      `${owners.deniedProcesses} process(es) refused reading their open files (not root): ${unowned} socket(s) have no owning pid`,
    );
  } else if (unowned > 0) {
    notes.push(`${unowned} socket(s) held by no process visible here (kernel, another PID namespace, or just closed): no owning pid`);
  }

  const sockets = rows.map(({ inode, ...s }): Socket => {
    const owner = owners.byInode.get(inode);
    const ms = s.protocol === 'tcp' ? rtt?.get(socketKey(s.localAddress, s.localPort, s.remoteAddress, s.remotePort)) : undefined;
    return {
      ...s,
      ...(owner ? { pid: owner.pid } : {}),
      ...(owner?.process !== undefined ? { process: owner.process } : {}),
      ...(ms !== undefined ? { rttMs: ms } : {}),
    };
  });
  return { sockets, notes };
}

/** One `ss -tinH` for the kernel's smoothed RTT; skipped when no TCP socket is connected. */
async function readRtt(ctx: CollectContext, rows: readonly ProcSocket[], notes: string[]): Promise<Map<string, number> | undefined> {
  if (!rows.some((r) => r.protocol === 'tcp' && r.state !== 'LISTEN' && r.state !== 'TIME_WAIT')) return undefined;
  try {
    const text = await ctx.exec(unixTool('ss'), ['-tinH'], { timeoutMs: 3_000, maxBuffer: 8 * 1024 * 1024 });
    const parsed = parseSsTcpInfo(text);
    if (parsed.skipped) notes.push(`ss -tinH: ${parsed.skipped} unreadable line(s) skipped`);
    return parsed.rtt;
  } catch (err) {
    const code = errorCodeOf(err);
    notes.push(
      code === 'command-missing'
        ? 'ss (iproute2) not installed: connections have no rttMs'
        : `ss -tinH failed (${code}): connections have no rttMs`,
    );
    return undefined;
  }
}
