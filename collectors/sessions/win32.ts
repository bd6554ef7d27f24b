import type { CollectContext, CollectResult } from '../types.js';
import { cycleInventory } from '../win32/inventory.js';
import { asRecord, num, str } from '../win32/ps-json.js';
import { parseQuser, sessionsFromQuser } from './parse-quser.js';
import type { Sessions } from '../../schema/snapshot/sessions.js';

/**
 * Windows sessions from `quser` (run inside the inventory): console and RDP sessions (rdp-tcp#N), disconnected ones.
 * Windows Home has no quser.exe: then the console user (Win32_ComputerSystem.UserName) is the one session known.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Sessions>> {
  const inv = await cycleInventory(ctx);
  if ('failed' in inv) return { status: 'error', code: inv.code, message: inv.message };
  const q = inv.section('sessions');
  if (!q.ok) {
    const c = inv.section('console');
    const user = c.ok ? str(asRecord(c.data)?.user) : undefined;
    if (q.code === 'command-missing' && c.ok) {
      const sessions = user ? [{ user, type: 'console' as const }] : [];
      return { status: 'ok', data: { sessions }, notes: [`quser.exe absent (Windows Home): only the console user is known, RDP sessions are not`] };
    }
    return { status: 'error', code: q.code, message: q.message };
  }
  const text = str(asRecord(q.data)?.text) ?? '';
  const { rows, skipped } = parseQuser(text);
  const notes: string[] = [];
  if (rows.length === 0) {
    // quser exits 1 with "No User exists for *" when nobody is signed in; other text is not a list we can read.
    if (!/No User exists/i.test(text) && num(asRecord(q.data)?.exitCode) !== 1) {
      return { status: 'error', code: 'parse-error', message: `quser printed no session row: ${text.trim().slice(0, 120)}` };
    }
    notes.push('quser: no user signed in');
  }
  if (skipped) notes.push(`${skipped} quser lines unreadable, skipped`);
  return { status: 'ok', data: { sessions: sessionsFromQuser(rows) }, notes };
}
