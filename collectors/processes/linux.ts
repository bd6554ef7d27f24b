import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { errorCodeOf, failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { CLK_TCK, parseBootTime, parseCmdline, parsePasswd, parseStat, parseStatusUid, processName } from './parse-proc.js';
import type { Process, Processes } from './schema.js';

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

async function readProcess(ctx: CollectContext, pid: string, facts: CycleFacts): Promise<Process | undefined> {
  const dir = `/proc/${pid}`;
  try {
    const stat = parseStat(await ctx.readFile(`${dir}/stat`));
    if (!stat) return undefined;
    // Kernel threads (often half of all pids on a laptop) have no argv, no exe and run as root: no more reads.
    if (stat.kernelThread) return withStart({ pid: stat.pid, ppid: stat.ppid, name: stat.comm, comm: stat.comm, uid: 0, ...rootName(facts) }, stat.startTicks, facts);
    // exe is EACCES for other users' processes unless root (and for kernel threads ENOENT): keep the process.
    const [status, cmdline, exe] = await Promise.all([
      optional(ctx.readFile(`${dir}/status`)),
      optional(ctx.readFile(`${dir}/cmdline`)),
      ctx.readLink(`${dir}/exe`).catch(() => undefined),
    ]);
    const argv = cmdline === undefined ? [] : parseCmdline(cmdline);
    const uid = status === undefined ? undefined : parseStatusUid(status);
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
  const out: Process[] = [];
  let unreadable = 0;
  for (let i = 0; i < pids.length; i += CHUNK) {
    if (ctx.signal.aborted) return { status: 'error', code: 'aborted', message: 'processes: cycle aborted' };
    if (i > 0) await yieldToLoop();
    const batch = await Promise.all(
      pids.slice(i, i + CHUNK).map((pid) =>
        readProcess(ctx, pid, facts).catch(() => {
          unreadable += 1;
          return undefined;
        }),
      ),
    );
    for (const p of batch) if (p) out.push(p);
  }
  if (unreadable > 0) notes.push(`${unreadable} process(es) listed in /proc could not be read and were left out`);
  if (out.length === 0) return { status: 'error', code: 'failed', message: 'processes: /proc listed no readable process' };
  out.sort((a, b) => a.pid - b.pid);
  return { status: 'ok', data: out, ...(notes.length ? { notes } : {}) };
}
