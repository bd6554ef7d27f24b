import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorCodeOf, failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { memoryOf } from '../memory.js';
import { CLK_TCK, parseBootTime, parseCmdline, parsePasswd, parseStat, parseStatusUid, processName, type ProcStat } from './parse-proc.js';
import type { Process, Processes } from '../../schema/snapshot/processes.js';

/** Processes read per turn of the event loop: keeps each block well under 20 ms at ~400 processes. */
const CHUNK = 32;

interface CycleFacts {
  bootTime: number | undefined;
  users: Map<number, string>;
  redact: boolean;
}

/** A process that exited between readdir and our reads: normal, skipped without a word. */
function vanished(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return isMissing(err) || code === 'ESRCH';
}

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (vanished(err)) throw err;
    return undefined;
  }
}

function withStart(p: Process, startTicks: number, facts: CycleFacts): Process {
  if (facts.bootTime !== undefined) p.startTime = new Date((facts.bootTime + startTicks / CLK_TCK) * 1000).toISOString();
  return p;
}

function rootName(facts: CycleFacts): { user?: string } {
  const user = facts.users.get(0);
  return user === undefined ? {} : { user };
}

/**
 * What status and cmdline gave for a process, reused while stat and exe say it is the same program: same start time
 * (same process, not a reused pid), same comm and exe (no exec since). Those two reads are most of a process's cost.
 * What can change without an exec (a setuid, a program rewriting its argv) is read again on the process's turn, once
 * every REFRESH_EVERY cycles (by pid): a share of the processes each cycle, and nothing kept longer than that.
 */
interface Known {
  startTicks: number;
  comm: string;
  exe: string | undefined;
  argv: string[];
  uid: number | undefined;
}

interface ProcessMemory {
  cycle: number;
  known: Map<number, Known>;
}

const REFRESH_EVERY = 12;

function stillKnown(known: Known | undefined, stat: ProcStat, exe: string | undefined, cycle: number): known is Known {
  return (
    known !== undefined &&
    known.startTicks === stat.startTicks &&
    known.comm === stat.comm &&
    known.exe === exe &&
    (cycle + stat.pid) % REFRESH_EVERY !== 0
  );
}

async function readProcess(ctx: CollectContext, pid: string, facts: CycleFacts, memory: ProcessMemory, next: Map<number, Known>): Promise<Process | undefined> {
  const dir = `/proc/${pid}`;
  try {
    const stat = parseStat(await ctx.readFile(`${dir}/stat`));
    if (!stat) return undefined;
    // Kernel threads (often half of all pids on a laptop) have no argv, no exe and run as root: no more reads.
    if (stat.kernelThread) return withStart({ pid: stat.pid, ppid: stat.ppid, name: stat.comm, comm: stat.comm, uid: 0, ...rootName(facts) }, stat.startTicks, facts);
    // exe is EACCES for other users' processes unless root (and for kernel threads ENOENT): keep the process.
    const exe = await ctx.readLink(`${dir}/exe`).catch(() => undefined);
    let known = memory.known.get(stat.pid);
    if (!stillKnown(known, stat, exe, memory.cycle)) {
      const [status, cmdline] = await Promise.all([optional(ctx.readFile(`${dir}/status`)), optional(ctx.readFile(`${dir}/cmdline`))]);
      known = {
        startTicks: stat.startTicks,
        comm: stat.comm,
        exe,
        argv: cmdline === undefined ? [] : parseCmdline(cmdline),
        uid: status === undefined ? undefined : parseStatusUid(status),
      };
    }
    next.set(stat.pid, known);
    const { argv, uid } = known;
    const user = uid === undefined ? undefined : facts.users.get(uid);
    const p: Process = { pid: stat.pid, ppid: stat.ppid, name: processName(exe, argv, stat.comm), comm: stat.comm };
    if (exe) p.exe = exe;
    if (argv.length > 0) p.cmdline = facts.redact ? argv.slice(0, 1) : argv;
    if (uid !== undefined) p.uid = uid;
    if (user !== undefined) p.user = user;
    return withStart(p, stat.startTicks, facts);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
}

export async function collect(ctx: CollectContext): Promise<CollectResult<Processes>> {
  let entries: string[];
  try {
    entries = await ctx.readDir('/proc');
  } catch (err) {
    return failure(err, 'reading /proc');
  }
  const notes: string[] = [];
  const facts: CycleFacts = { bootTime: undefined, users: new Map(), redact: ctx.options.redactCommandLines };
  try {
    facts.bootTime = parseBootTime(await ctx.readFile('/proc/stat'));
    if (facts.bootTime === undefined) notes.push('no btime line in /proc/stat: start times left out');
  } catch (err) {
    notes.push(`/proc/stat unreadable (${errorCodeOf(err)}): start times left out`);
  }
  try {
    facts.users = parsePasswd(await ctx.readFile('/etc/passwd'));
  } catch (err) {
    notes.push(`/etc/passwd unreadable (${errorCodeOf(err)}): user names left out, uids kept`);
  }
  const pids = entries.filter((e) => /^\d+$/.test(e));
  const memory = memoryOf<ProcessMemory>(ctx, 'processes.known', () => ({ cycle: 0, known: new Map() }));
  memory.cycle += 1;
  // only the processes alive this cycle are remembered
  const next = new Map<number, Known>();
  const out: Process[] = [];
  let unreadable = 0;
  for (let i = 0; i < pids.length; i += CHUNK) {
    if (ctx.signal.aborted) return { status: 'error', code: 'aborted', message: 'processes: cycle aborted' };
    if (i > 0) await yieldToLoop();
    const batch = await Promise.all(
      pids.slice(i, i + CHUNK).map((pid) =>
        readProcess(ctx, pid, facts, memory, next).catch(() => {
          unreadable += 1;
          return undefined;
        }),
      ),
    );
    for (const p of batch) if (p) out.push(p);
  }
  memory.known = next;
  if (unreadable > 0) notes.push(`${unreadable} process(es) listed in /proc could not be read and were left out`);
  if (out.length === 0) return { status: 'error', code: 'failed', message: 'processes: /proc listed no readable process' };
  out.sort((a, b) => a.pid - b.pid);
  return { status: 'ok', data: out, ...(notes.length ? { notes } : {}) };
}
