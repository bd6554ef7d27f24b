/** CPU time of processes from Linux /proc, for benchmarks: side-effect free. */
import { readFileSync, readdirSync } from 'node:fs';

const tickUs = 1e6 / 100; // USER_HZ is 100 on Linux

/** utime + stime (µs) of a /proc stat file (a process's, or one thread's under task/), or null when it is gone. */
export function statCpuUs(file: string): number | null {
  return statOf(file)?.self ?? null;
}

/** utime, stime, cutime, cstime (µs) and the parent pid of `pid`, or null when it is gone. */
function stat(pid: number): { self: number; children: number; ppid: number } | null {
  return statOf(`/proc/${pid}/stat`);
}

function statOf(file: string): { self: number; children: number; ppid: number } | null {
  try {
    const text = readFileSync(file, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i - 3]);
    return { self: (n(14) + n(15)) * tickUs, children: (n(16) + n(17)) * tickUs, ppid: n(4) };
  } catch {
    return null;
  }
}

/** User + system CPU of one process, all its threads (µs). */
export function processCpuUs(pid: number): number {
  return stat(pid)?.self ?? 0;
}

/**
 * A PostgreSQL cluster's CPU (µs): the postmaster, its live children (backends, checkpointer, WAL writer, autovacuum)
 * and the children it has reaped (a backend whose connection closed), so that the difference over a run counts them all.
 */
export function clusterCpuUs(postmasterPid: number): number {
  const root = stat(postmasterPid);
  if (!root) return 0;
  let total = root.self + root.children;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s && s.ppid === postmasterPid) total += s.self;
  }
  return total;
}

/** The postmaster's pid from a data directory's postmaster.pid. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
