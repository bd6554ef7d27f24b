import { failure } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { bsdWhoDate, parseBsdWho, parseLsofPeers } from './parse-who-bsd.js';
import type { Session, Sessions } from '../../schema/snapshot/sessions.js';
import { darwinTools } from '../programs.js';

export const lsofScreenSharing = ['-nP', '-iTCP:5900', '-sTCP:ESTABLISHED'] as const;

/** A BSD `who` line → session type: console, ttys* with a host = ssh, without = a local terminal. */
function typeOf(line: string, host: string | undefined): Session['type'] {
  if (line === 'console') return 'console';
  if (/^ttys\d+$/.test(line)) return host && !/^:\d/.test(host) && !/^tmux|^screen/.test(host) ? 'ssh' : 'other';
  return 'other';
}

/**
 * macOS sessions: `who` (utmpx) for console and terminal logins, and `lsof` for established connections to
 * port 5900 (Screen Sharing / Remote Management, which writes no utmpx entry). Two forks.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Sessions>> {
  const [whoOut, lsofOut] = await Promise.allSettled([
    ctx.exec(darwinTools.who, [], { timeoutMs: 3_000 }),
    ctx.exec(darwinTools.lsof, lsofScreenSharing, { timeoutMs: 5_000 }),
  ]);
  if (whoOut.status === 'rejected') return failure(whoOut.reason, 'who');
  const now = ctx.now();
  const parsed = parseBsdWho(whoOut.value);
  const notes: string[] = [];
  if (parsed.skipped.length) notes.push(`who: ${parsed.skipped.length} line(s) not understood and skipped`);
  const sessions: Session[] = parsed.entries.map((e) => {
    const type = typeOf(e.line, e.host);
    return {
      user: e.user, type, line: e.line,
      ...(e.host && type !== 'console' ? { remoteHost: e.host } : {}),
      since: bsdWhoDate(e, now).toISOString(),
    };
  });
  if (lsofOut.status === 'fulfilled') {
    for (const p of parseLsofPeers(lsofOut.value)) {
      sessions.push({ user: p.user, type: 'screen-sharing', remoteHost: p.peer, pid: p.pid });
    }
  } else {
    // lsof exits 1 with no output when nothing matches: that is "no screen-sharing connection", not a failure.
    const err = lsofOut.reason as { code?: unknown; stdout?: unknown; message?: string };
    if (!(err.code === 1 && !err.stdout)) notes.push(`lsof for screen sharing (port 5900) failed: ${err.message ?? String(err)}; screen-sharing sessions unknown`);
  }
  return { status: 'ok', data: { sessions }, ...(notes.length ? { notes } : {}) };
}
