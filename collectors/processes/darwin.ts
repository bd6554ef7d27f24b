import { failure } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseBsdPs } from './parse-ps-bsd.js';
import type { Processes } from '../../schema/snapshot/processes.js';
import { darwinTools } from '../programs.js';

/**
 * Kept as is: `comm` is the only column giving the executable path intact, `lstart` the only absolute start time.
 * The parser reads its columns from the header, so it is proven on the real `ps axu`/`ps -ef` captures too.
 */
export const psArgs = ['-axww', '-o', 'pid,ppid,uid,user,lstart,comm,args'] as const;

/**
 * macOS processes: one `ps` fork (ps-list would fork `ps` twice and gives no user or start time). As root it sees
 * every process; the executable path is what the kernel recorded at exec.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Processes>> {
  let text: string;
  try {
    text = await ctx.exec(darwinTools.ps, psArgs, { timeoutMs: 10_000, maxBuffer: 64 << 20 });
  } catch (err) {
    return failure(err, 'ps');
  }
  let parsed;
  try {
    parsed = parseBsdPs(text, { redact: ctx.options.redactCommandLines });
  } catch (err) {
    return { status: 'error', code: 'parse-error', message: (err as Error).message };
  }
  if (parsed.processes.length === 0) return { status: 'error', code: 'parse-error', message: 'ps listed no process it could read' };
  const notes = parsed.skipped.length ? [`ps: ${parsed.skipped.length} line(s) not understood and skipped`] : [];
  parsed.processes.sort((a, b) => a.pid - b.pid);
  return { status: 'ok', data: parsed.processes, ...(notes.length ? { notes } : {}) };
}
