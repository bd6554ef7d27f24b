import type { Process } from '../../schema/snapshot/processes.js';

/**
 * Pure parser of BSD (macOS) `ps` output whose columns are read from the header, so the agent's own
 * `ps -axww -o pid,ppid,uid,user,lstart,comm,args` and the forms seen in real captures (`ps axu`, `ps -ef`,
 * `ps -A -o user,pid,…,command`) all parse. BSD ps pads every column but the last; numbers are right-aligned and
 * text left-aligned, so:
 * - single-token columns (PID, USER, %CPU, TT, STAT, TIME, …) are read token by token;
 * - STARTED holds either `lstart` (five tokens: "Mon Nov 23 08:12:04 2026", an absolute time) or `start`
 *   (one token: "12:10PM", "Mon10AM", " 3Dec18", relative to a day ps does not print, so not converted);
 * - a COMM column that is not last (the executable path, which may hold spaces) ends where the next header starts;
 * - the last column (COMMAND/ARGS/CMD: argv joined by spaces, or COMM) is the rest of the line.
 * argv is rebuilt best-effort: a known executable path is split off intact, the rest splits on spaces.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LSTART = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})(?=\s|$)/;

type Field = 'pid' | 'ppid' | 'uid' | 'user' | 'started' | 'comm' | 'args' | 'other';
const FIELDS: Record<string, Field> = {
  PID: 'pid', PPID: 'ppid', UID: 'uid', USER: 'user', STARTED: 'started', STIME: 'started',
  COMM: 'comm', UCOMM: 'comm', COMMAND: 'args', ARGS: 'args', CMD: 'args',
};

interface Column { field: Field; at: number; lstart?: boolean }

export interface PsParse {
  processes: Process[];
  skipped: string[];
}

function readHeader(header: string): Column[] {
  const columns: Column[] = [];
  for (const m of header.matchAll(/\S+/g)) columns.push({ field: FIELDS[m[0]] ?? 'other', at: m.index });
  // lstart ("Mon Nov 23 08:12:04 2026") makes the STARTED column at least 24 wide; `start` ("12:10PM") never does.
  columns.forEach((c, i) => { if (c.field === 'started' && (columns[i + 1]?.at ?? 0) - c.at >= 24) c.lstart = true; });
  const last = columns.at(-1)?.field;
  const fields = columns.map((c) => c.field);
  if (!fields.includes('pid') || (last !== 'args' && last !== 'comm')) {
    throw new Error(`ps header not understood (needs PID and a last COMMAND/ARGS/CMD/COMM column): ${JSON.stringify(header.slice(0, 80))}`);
  }
  return columns;
}

/** The executable at the start of an argv string: an app bundle's path may hold spaces, any other ends at one. */
function splitArgv0(args: string): { argv0: string; rest: string } {
  const bundle = /^(\/.*?\.app\/Contents\/MacOS\/\S+)/.exec(args);
  const argv0 = bundle ? bundle[1]! : args.split(/\s/, 1)[0]!;
  return { argv0, rest: args.slice(argv0.length) };
}

interface Row { pid?: string; ppid?: string; uid?: string; user?: string; start?: Date; comm?: string; args?: string }

function readRow(line: string, columns: Column[]): Row | undefined {
  const row: Row = {};
  let at = 0;
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i]!;
    if (i === columns.length - 1) {
      const rest = line.slice(at).trim();
      if (col.field === 'comm') row.comm = rest;
      else row.args = rest;
      break;
    }
    if (col.field === 'comm') {
      const end = columns[i + 1]!.at;
      if (line.length < end || at > end) return undefined;
      row.comm = line.slice(at, end).trim();
      at = end;
      continue;
    }
    const from = at + (/^\s*/.exec(line.slice(at))?.[0].length ?? 0);
    const tail = line.slice(from);
    if (col.field === 'started') {
      const l = LSTART.exec(tail);
      if (l) {
        const month = MONTHS.indexOf(l[1]!);
        if (month < 0) return undefined;
        const start = new Date(Number(l[6]), month, Number(l[2]), Number(l[3]), Number(l[4]), Number(l[5]));
        if (!Number.isNaN(start.getTime())) row.start = start;
        at = from + l[0].length;
        continue;
      }
      if (col.lstart) return undefined; // an absolute start was asked for and this row does not hold one
    }
    const token = /^\S+/.exec(tail)?.[0];
    if (token === undefined) return undefined;
    at = from + token.length;
    if (col.field === 'pid' || col.field === 'ppid' || col.field === 'uid' || col.field === 'user') row[col.field] = token;
  }
  return row;
}

export function parseBsdPs(text: string, opts: { redact?: boolean } = {}): PsParse {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const columns = readHeader(lines.shift() ?? '');
  const processes: Process[] = [];
  const skipped: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const row = readRow(line, columns);
    const numbersOk = row && /^\d+$/.test(row.pid ?? '') && (row.ppid === undefined || /^\d+$/.test(row.ppid))
      && (row.uid === undefined || /^-?\d+$/.test(row.uid));
    const command = row?.comm || row?.args;
    if (!row || !numbersOk || !command) {
      skipped.push(line);
      continue;
    }
    const comm = row.comm;
    const args = row.args ?? '';
    let argv: string[];
    if (comm && args.startsWith(comm)) argv = [comm, ...args.slice(comm.length).trim().split(/\s+/).filter(Boolean)];
    else if (!comm && args) {
      const { argv0, rest } = splitArgv0(args);
      argv = [argv0, ...rest.trim().split(/\s+/).filter(Boolean)];
    } else argv = args.split(/\s+/).filter(Boolean);
    // Only `comm` is what the kernel recorded at exec; argv[0] is whatever the process chose to put there.
    const exe = comm?.startsWith('/') ? comm : undefined;
    const named = comm || argv[0] || '';
    const name = named.split('/').pop() || named;
    const uid = row.uid === undefined ? undefined : Number(row.uid);
    processes.push({
      pid: Number(row.pid),
      ...(row.ppid !== undefined ? { ppid: Number(row.ppid) } : {}),
      name,
      ...(exe ? { exe } : {}),
      ...(argv.length ? { cmdline: opts.redact ? argv.slice(0, 1) : argv } : {}),
      ...(row.user !== undefined ? { user: row.user } : {}),
      ...(uid !== undefined && uid >= 0 ? { uid } : {}),
      ...(row.start ? { startTime: row.start.toISOString() } : {}),
    });
  }
  return { processes, skipped };
}
