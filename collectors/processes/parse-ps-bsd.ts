import type { Process } from './schema.js';

/**
 * Pure parser of macOS `ps -axww -o pid,ppid,uid,user,lstart,comm,args` (C locale). BSD ps pads every column but
 * the last to its widest value and left-aligns text, so the COMM column (the executable path, which may hold
 * spaces: "/Applications/Google Chrome.app/…") ends where the ARGS header starts. Args are argv joined by
 * spaces: argv is rebuilt best-effort (the executable path is split off intact; the rest splits on spaces).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEAD = /^(\s*\d+)\s+(\d+)\s+(-?\d+)\s+(\S+)\s+[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s/;

export interface PsParse {
  processes: Process[];
  skipped: string[];
}

export function parseBsdPs(text: string, opts: { redact?: boolean } = {}): PsParse {
  const lines = text.split('\n');
  const header = lines.shift() ?? '';
  const commAt = header.indexOf('COMM');
  const argsAt = header.indexOf('ARGS');
  if (!/^\s*PID\s+PPID\s+UID\s+USER\s+STARTED/.test(header) || commAt < 0 || argsAt < commAt) {
    throw new Error(`ps header not understood: ${JSON.stringify(header.slice(0, 80))}`);
  }
  const processes: Process[] = [];
  const skipped: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const m = HEAD.exec(line);
    const month = m ? MONTHS.indexOf(m[5]!) : -1;
    if (!m || month < 0 || line.length < commAt) {
      skipped.push(line);
      continue;
    }
    const comm = line.slice(commAt, argsAt).trimEnd();
    const args = line.slice(argsAt).trim();
    const start = new Date(Number(m[10]), month, Number(m[6]), Number(m[7]), Number(m[8]), Number(m[9]));
    const exe = comm.startsWith('/') ? comm : undefined;
    const name = comm.split('/').pop() || comm;
    let argv: string[];
    if (args.startsWith(comm) && comm) argv = [comm, ...args.slice(comm.length).trim().split(/\s+/).filter(Boolean)];
    else argv = args.split(/\s+/).filter(Boolean);
    const uid = Number(m[3]);
    processes.push({
      pid: Number(m[1]),
      ppid: Number(m[2]),
      name,
      ...(exe ? { exe } : {}),
      ...(argv.length ? { cmdline: opts.redact ? argv.slice(0, 1) : argv } : {}),
      user: m[4]!,
      ...(uid >= 0 ? { uid } : {}),
      ...(Number.isNaN(start.getTime()) ? {} : { startTime: start.toISOString() }),
    });
  }
  return { processes, skipped };
}
