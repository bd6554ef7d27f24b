import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { monotonicMs } from '../../common/clock.js';

/**
 * Synchronous view of /proc for the fd walk. The walk makes one readlink per open file on the machine
 * (tens of thousands on a desktop); measured here, readlinkSync costs ~6 µs of CPU where fs.promises.readlink
 * costs ~23 µs, so the walk uses sync calls in short time slices instead of ctx.readLink.
 */
export interface ProcFds {
  pids(): string[];
  /** Entries of /proc/PID/fd; throws like readdirSync (EACCES for other users' processes when not root). */
  fds(pid: string): string[];
  /** Target of /proc/PID/fd/FD ("socket:[12345]"); throws like readlinkSync. */
  link(pid: string, fd: string): string;
  /** Executable basename (readlink /proc/PID/exe), else /proc/PID/comm; undefined if neither is readable. */
  name(pid: string): string | undefined;
}

export const procFds: ProcFds = {
  pids: () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)),
  fds: (pid) => readdirSync(`/proc/${pid}/fd`),
  link: (pid, fd) => readlinkSync(`/proc/${pid}/fd/${fd}`),
  name: (pid) => {
    try {
      const exe = readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
      const base = exe.slice(exe.lastIndexOf('/') + 1);
      if (base) return base;
    } catch {
      // other users' processes when not root, kernel threads: fall back to comm
    }
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  },
};

export interface Owners {
  /** socket inode → owner */
  byInode: Map<number, { pid: number; process?: string }>;
  /** Processes whose fd table we could not read (EACCES when not root); from the last walk when none ran. */
  deniedProcesses: number;
  /** readlink calls made: the walk's cost. */
  linksRead: number;
  /** False when the walk stopped early (every wanted inode found) or was not needed at all. */
  walkedAll: boolean;
  /** Sockets confirmed where the previous cycle found them, one readlink each, without a walk. */
  remembered: number;
}

/**
 * What one cycle's lookup leaves for the next, so that a steady machine is not walked again every cycle:
 * where each socket was found (checked again with one readlink), and which sockets no visible process holds
 * (a kernel socket or another PID namespace's: without memory they force the full walk every cycle).
 */
export interface OwnerMemory {
  found: Map<number, { pid: string; fd: string }>;
  /** inode → full walks in a row that found no owner, and the cycle of the last one. */
  unowned: Map<number, { misses: number; walkedAt: number }>;
  deniedProcesses: number;
  cycle: number;
}

export function createOwnerMemory(): OwnerMemory {
  return { found: new Map(), unowned: new Map(), deniedProcesses: 0, cycle: 0 };
}

/**
 * A socket missed by two full walks in a row is held by no visible process; it is searched for again only every
 * this many cycles. Two walks, not one: a daemon that forks and exits between our readdir of /proc and the walk
 * hides its socket from one walk.
 */
const UNOWNED_AFTER_MISSES = 2;
const RECHECK_UNOWNED_EVERY = 12;

export interface WalkOptions {
  /** Longest synchronous stretch before yielding to the event loop (the agent's budget: no block over 20 ms, docs/BENCHMARKS.md). */
  sliceMs?: number;
  signal?: AbortSignal;
  /** Carried from cycle to cycle by the caller; without it every cycle walks as if it were the first. */
  memory?: OwnerMemory;
}

/**
 * Maps the wanted socket inodes to the processes holding them. Sockets found last cycle are confirmed with one
 * readlink of the same fd; the rest are searched for by reading /proc/PID/fd links, in time slices, stopping as
 * soon as every one is found. (Reading likely owners first, by the socket's uid, was tried: the stat of every
 * /proc/PID cost 3–7 ms here and rarely saved anything.)
 */
export async function findSocketOwners(
  wanted: ReadonlySet<number>,
  proc: ProcFds = procFds,
  opts: WalkOptions = {},
): Promise<Owners> {
  const sliceMs = opts.sliceMs ?? 5;
  const memory = opts.memory ?? createOwnerMemory();
  memory.cycle += 1;
  const byInode = new Map<number, { pid: number; process?: string }>();
  const found = new Map<number, { pid: string; fd: string }>();
  const result: Owners = { byInode, deniedProcesses: memory.deniedProcesses, linksRead: 0, walkedAll: false, remembered: 0 };
  const names = new Map<string, string | undefined>();
  const own = (inode: number, pid: string, fd: string) => {
    found.set(inode, { pid, fd });
    if (!names.has(pid)) names.set(pid, proc.name(pid)); // read every cycle: an exec keeps the fds but changes the program
    const name = names.get(pid);
    byInode.set(inode, name === undefined ? { pid: Number(pid) } : { pid: Number(pid), process: name });
  };

  for (const inode of wanted) {
    const at = memory.found.get(inode);
    if (!at) continue;
    result.linksRead++;
    if (linkOf(proc, at.pid, at.fd) === `socket:[${inode}]`) {
      own(inode, at.pid, at.fd);
      result.remembered++;
    }
  }
  const search = new Set<number>();
  for (const inode of wanted) {
    if (byInode.has(inode)) continue;
    const miss = memory.unowned.get(inode);
    const settled = miss && miss.misses >= UNOWNED_AFTER_MISSES && memory.cycle - miss.walkedAt < RECHECK_UNOWNED_EVERY;
    if (!settled) search.add(inode);
  }

  if (search.size > 0) {
    const pids = proc.pids();
    let denied = 0;
    let left = search.size;
    let sliceStart = monotonicMs();
    result.walkedAll = true;
    walk: for (const [i, pid] of pids.entries()) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      if (monotonicMs() - sliceStart > sliceMs) {
        await yieldToLoop();
        sliceStart = monotonicMs();
      }
      let fds: string[];
      try {
        fds = proc.fds(pid);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EACCES' || code === 'EPERM') denied++;
        continue; // ENOENT: the process exited meanwhile
      }
      for (const fd of fds) {
        // one process may hold thousands of fds: yield inside it too
        if ((result.linksRead & 511) === 511 && monotonicMs() - sliceStart > sliceMs) {
          await yieldToLoop();
          sliceStart = monotonicMs();
        }
        const target = linkOf(proc, pid, fd);
        // Refused: the kernel checks the process, not the fd (ptrace access), so its other fds are refused too; a
        // sandbox's init may hold hundreds, and each refusal costs a thrown error (~10 µs). Not counted as denied:
        // its fd table was listed.
        if (target === refused) continue walk;
        if (target === undefined) continue; // fd closed meanwhile
        result.linksRead++;
        if (!target.startsWith('socket:[')) continue;
        const inode = Number(target.slice(8, -1));
        if (!search.has(inode) || byInode.has(inode)) continue;
        own(inode, pid, fd);
        if (--left === 0) {
          result.walkedAll = i === pids.length - 1;
          break walk;
        }
      }
    }
    if (result.walkedAll) {
      result.deniedProcesses = memory.deniedProcesses = denied;
      for (const inode of search) {
        if (byInode.has(inode)) continue;
        memory.unowned.set(inode, { misses: (memory.unowned.get(inode)?.misses ?? 0) + 1, walkedAt: memory.cycle });
      }
    } else {
      result.deniedProcesses = Math.max(denied, memory.deniedProcesses);
    }
  }

  // Only this cycle's sockets are remembered: the memory never outgrows the socket tables.
  memory.found = found;
  for (const inode of memory.unowned.keys()) if (!wanted.has(inode) || byInode.has(inode)) memory.unowned.delete(inode);
  return result;
}

const refused = Symbol('refused');

function linkOf(proc: ProcFds, pid: string, fd: string): string | undefined | typeof refused {
  try {
    return proc.link(pid, fd);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'EACCES' || code === 'EPERM' ? refused : undefined;
  }
}
