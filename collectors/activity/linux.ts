import { errorCodeOf, failure, isMissing } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseIdleHint, parseSessionFile, pickGraphicalSession, type LogindSession } from './parse-logind.js';
import type { Activity } from '../../schema/snapshot/activity.js';
import { unixTool } from '../programs.js';

const SESSIONS_DIR = '/run/systemd/sessions';

/** logind's sessions from its state files; undefined when logind is not running here. */
export async function readLogindSessions(ctx: CollectContext): Promise<LogindSession[] | undefined> {
  let names: string[];
  try {
    names = await ctx.readDir(SESSIONS_DIR);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const out: LogindSession[] = [];
  // "<id>.ref" entries are FIFOs held by the session: opening one would block, so only plain ids are read.
  for (const id of names.filter((n) => !n.includes('.'))) {
    try {
      out.push(parseSessionFile(id, await ctx.readFile(`${SESSIONS_DIR}/${id}`)));
    } catch (err) {
      if (!isMissing(err)) ctx.log.debug({ id, code: errorCodeOf(err) }, 'logind session file unreadable');
    }
  }
  return out;
}

const unavailable = (reason: string): CollectResult<Activity> => ({ status: 'ok', data: { idleSeconds: null, unavailableReason: reason } });

export async function collect(ctx: CollectContext): Promise<CollectResult<Activity>> {
  let sessions: LogindSession[] | undefined;
  try {
    sessions = await readLogindSessions(ctx);
  } catch (err) {
    return failure(err, `activity: reading ${SESSIONS_DIR}`);
  }
  if (!sessions) return unavailable(`no logind (${SESSIONS_DIR} absent): Linux has no other file telling the last input time`);
  const session = pickGraphicalSession(sessions);
  if (!session) return unavailable(`no graphical logind session (${sessions.length} session(s), none x11/wayland of class user)`);
  let out: string;
  try {
    out = await ctx.exec(unixTool('loginctl'), ['show-session', session.id, '-p', 'IdleHint', '-p', 'IdleSinceHint'], { timeoutMs: 3_000 });
  } catch (err) {
    return failure(err, `activity: loginctl show-session ${session.id}`);
  }
  const reading = parseIdleHint(out, ctx.now().getTime());
  const source = `logind session ${session.id} (${session.type}, user ${session.user ?? session.uid ?? '?'})`;
  if (reading.idleSeconds === null) return { status: 'ok', data: { idleSeconds: null, source, unavailableReason: reading.reason } };
  return { status: 'ok', data: { idleSeconds: reading.idleSeconds, source: `${source}: ${reading.detail}` } };
}
