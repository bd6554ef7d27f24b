import { errorCodeOf, failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { classifySession } from './classify.js';
import { parseUtmp, UTMP_RECORD_SIZE } from './parse-utmp.js';
import { localWhoTime, parseWho } from './parse-who.js';
import type { Session, Sessions } from '../../schema/snapshot/sessions.js';
import { unixTool } from '../programs.js';

/** glibc's _PATH_UTMP, and where /var/run points on every current distribution. */
const UTMP_PATHS = ['/var/run/utmp', '/run/utmp'] as const;

async function readUtmp(ctx: CollectContext): Promise<{ path: string; buf: Buffer } | { why: string }> {
  const why: string[] = [];
  for (const path of UTMP_PATHS) {
    try {
      return { path, buf: await ctx.readFileBuffer(path) };
    } catch (err) {
      why.push(`${path} ${isMissing(err) ? 'absent' : `unreadable (${errorCodeOf(err)})`}`);
    }
  }
  return { why: why.join(', ') };
}

function fromUtmp(path: string, buf: Buffer): CollectResult<Sessions> {
  const parsed = parseUtmp(buf);
  const notes: string[] = [];
  if (parsed.remainderBytes > 0) {
    notes.push(`${path}: ${parsed.remainderBytes} trailing byte(s) after ${parsed.records} whole ${UTMP_RECORD_SIZE}-byte record(s) ignored`);
  }
  const sessions: Session[] = parsed.entries.map((e) => {
    const kind = classifySession(e.line, e.host);
    return {
      user: e.user,
      type: kind.type,
      line: e.line,
      ...(kind.remoteHost !== undefined ? { remoteHost: kind.remoteHost } : {}),
      ...(e.tvSec > 0 ? { since: new Date(e.tvSec * 1000).toISOString() } : {}),
      ...(e.pid > 0 ? { pid: e.pid } : {}),
    };
  });
  return { status: 'ok', data: { sessions }, ...(notes.length ? { notes } : {}) };
}

/** Fallback (one fork): `who` can answer from logind when built with systemd support, where utmp is gone. */
async function fromWho(ctx: CollectContext, utmpWhy: string): Promise<CollectResult<Sessions>> {
  let out: string;
  try {
    out = await ctx.exec(unixTool('who'), [], { timeoutMs: 3_000 });
  } catch (err) {
    return failure(err, `sessions: ${utmpWhy}; who failed`);
  }
  const parsed = parseWho(out);
  const notes = [`${utmpWhy}: read \`who\` instead (one fork)`];
  if (parsed.skipped.length > 0) notes.push(`who: ${parsed.skipped.length} line(s) not understood and skipped`);
  if (parsed.entries.length === 0) notes.push('who listed no session (it reads the same utmp unless built with logind support)');
  const sessions: Session[] = parsed.entries.map((e) => {
    const kind = classifySession(e.line, e.comment ?? '');
    const since = localWhoTime(e.time);
    return {
      user: e.user,
      type: kind.type,
      line: e.line,
      ...(kind.remoteHost !== undefined ? { remoteHost: kind.remoteHost } : {}),
      ...(since ? { since: since.toISOString() } : {}),
    };
  });
  return { status: 'ok', data: { sessions }, notes };
}

/** logind's state: where `who` (coreutils built with systemd) finds sessions when there is no utmp. */
const LOGIND_SESSIONS = '/run/systemd/sessions';

/** A session's state file (`<id>`), as sd_get_sessions (which `who` asks) lists them; the `<id>.ref` FIFOs are none. */
function isSessionEntry(name: string): boolean {
  return !name.endsWith('.ref') && !name.startsWith('.');
}

export async function collect(ctx: CollectContext): Promise<CollectResult<Sessions>> {
  const utmp = await readUtmp(ctx);
  if ('buf' in utmp) return fromUtmp(utmp.path, utmp.buf);
  // Without utmp and without a logind session, `who` has nothing to read either (a container, where the folder may
  // exist empty): no fork (~10 ms of CPU) for an empty answer. An unreadable folder: `who` runs.
  const logind = await ctx.readDir(LOGIND_SESSIONS).then(
    (entries): string[] | true => entries,
    (err: unknown) => (isMissing(err) ? [] : true),
  );
  if (logind !== true && !logind.some(isSessionEntry)) {
    const why = logind.length === 0 ? `no logind (${LOGIND_SESSIONS} absent or empty)` : `logind lists no session (${LOGIND_SESSIONS})`;
    return { status: 'ok', data: { sessions: [] }, notes: [`${utmp.why}, ${why}: no record of logins on this machine (\`who\` reads the same two)`] };
  }
  return fromWho(ctx, utmp.why);
}
