/** Pure parsers of /proc text for the Linux processes source. */

/**
 * USER_HZ: the unit of /proc/PID/stat `starttime`. The kernel converts jiffies to USER_HZ for every
 * user-visible clock_t, and USER_HZ is 100 on every architecture Node runs on (x86, arm, arm64,
 * ppc, s390, riscv); only Alpha differs. Reading it would need `getconf CLK_TCK`, a fork per cycle.
 */
export const CLK_TCK = 100;

export interface ProcStat {
  pid: number;
  /** Kernel short name, cut at 15 characters. */
  comm: string;
  ppid: number;
  /** Start time in clock ticks after boot. */
  startTicks: number;
  /** PF_KTHREAD set in the flags field: a kernel thread (no argv, no exe, always uid 0). */
  kernelThread: boolean;
}

/** PF_KTHREAD of include/linux/sched.h. */
const PF_KTHREAD = 0x00200000;

/**
 * /proc/PID/stat: "pid (comm) state ppid ...". comm may hold spaces and parentheses, so it runs
 * from the first "(" to the LAST ")"; field 22 (starttime) counts from the state field (field 3).
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const ppid = Number(rest[1]);
  const flags = Number(rest[6]);
  const startTicks = Number(rest[19]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(startTicks)) return undefined;
  const kernelThread = Number.isInteger(flags) && (flags & PF_KTHREAD) !== 0;
  return { pid, comm: text.slice(open + 1, close), ppid, startTicks, kernelThread };
}

/** Boot time (seconds since the epoch) from the `btime` line of /proc/stat. */
export function parseBootTime(procStat: string): number | undefined {
  const m = /^btime\s+(\d+)\s*$/m.exec(procStat);
  return m ? Number(m[1]) : undefined;
}

/** Effective uid from /proc/PID/status ("Uid: real effective saved fs"), the one `ps -o user` shows. */
export function parseStatusUid(text: string): number | undefined {
  const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(text);
  return m ? Number(m[2]) : undefined;
}

/** /proc/PID/cmdline: NUL-separated argv, usually with a trailing NUL; empty for kernel threads. */
export function parseCmdline(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** uid → user name from /etc/passwd ("name:x:uid:gid:gecos:home:shell"). */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , uid] = line.split(':');
    const n = Number(uid);
    if (name && uid !== undefined && uid !== '' && Number.isInteger(n) && !users.has(n)) users.set(n, name);
  }
  return users;
}

function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Basename of /proc/PID/exe's target, without the " (deleted)" the kernel adds for a replaced binary. */
export function exeName(exe: string): string {
  return basename(exe.replace(/ \(deleted\)$/, ''));
}

/** Longest comm the kernel keeps (TASK_COMM_LEN 16 minus the NUL). */
const COMM_MAX = 15;

/**
 * The process's full name: the exe basename; else argv[0]'s basename when it extends comm (comm is
 * cut at 15 characters, argv[0] is not); else comm. argv[0] that does not start with comm was
 * rewritten by the program ("sshd: alice@pts/0", "-bash"), so comm is the truer name there.
 */
export function processName(exe: string | undefined, argv: readonly string[], comm: string): string {
  if (exe) return exeName(exe);
  const argv0 = argv[0] ? basename(argv[0]) : '';
  if (argv0 === '') return comm;
  if (comm === '') return argv0;
  if (argv0.startsWith(comm)) return comm.length >= COMM_MAX ? argv0 : comm;
  return comm;
}
