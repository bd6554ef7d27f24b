import { asArray, asRecord, isoDate, num, str } from '../win32/ps-json.js';
import type { Process } from '../../schema/snapshot/processes.js';

/**
 * Splits a Windows command line into argv as CommandLineToArgvW / the MS C runtime do: whitespace separates,
 * double quotes group, 2n backslashes before a quote → n backslashes and the quote toggles, 2n+1 → n and a literal quote.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') { n += 1; i += 1; }
      if (line[i] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) cur += '"';
        else { quoted = !quoted; }
        started = true;
      } else {
        cur += '\\'.repeat(n);
        i -= 1;
        started = true;
      }
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (started) args.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args;
}

/** Pure: the inventory's `processes` section (Win32_Process) → processes. Rows without a pid are counted, not kept. */
export function parseWinProcesses(section: unknown, opts: { redactCommandLines: boolean }): { processes: Process[]; skipped: number } {
  const processes: Process[] = [];
  let skipped = 0;
  for (const row of asArray(asRecord(section)?.list)) {
    const p = asRecord(row);
    const pid = num(p?.pid);
    const name = str(p?.name);
    if (!p || pid === undefined || pid < 0 || !name) {
      skipped += 1;
      continue;
    }
    const ppid = num(p.ppid);
    const exe = str(p.path);
    const cmd = str(p.cmd);
    const argv = cmd ? splitCommandLine(cmd) : undefined;
    const cmdline = argv && argv.length ? (opts.redactCommandLines ? argv.slice(0, 1) : argv) : undefined;
    const start = isoDate(p.start);
    processes.push({
      pid, ...(ppid !== undefined && ppid >= 0 ? { ppid } : {}), name, ...(exe ? { exe } : {}), ...(cmdline ? { cmdline } : {}),
      ...(start ? { startTime: start } : {}),
    });
  }
  processes.sort((a, b) => a.pid - b.pid);
  return { processes, skipped };
}
