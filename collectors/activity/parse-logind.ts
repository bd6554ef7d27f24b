/**
 * Pure parsers for logind: its per-session state files (/run/systemd/sessions/<id>, KEY=VALUE lines written
 * by systemd-logind's session_save(); marked "private", but stable across systemd releases and read here to
 * avoid a fork) and `loginctl show-session -p ...` output (KEY=VALUE, documented in loginctl(1)).
 */

export interface LogindSession {
  id: string;
  user?: string;
  uid?: number;
  /** x11, wayland, mir, tty, unspecified. */
  type?: string;
  /** user, greeter, lock-screen, background... */
  sessionClass?: string;
  active: boolean;
  state?: string;
  remote: boolean;
  seat?: string;
}

export function parseKeyValues(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) map.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return map;
}

export function parseSessionFile(id: string, text: string): LogindSession {
  const kv = parseKeyValues(text);
  const uid = Number(kv.get('UID'));
  const s: LogindSession = { id, active: kv.get('ACTIVE') === '1', remote: kv.get('REMOTE') === '1' };
  const set = (key: 'user' | 'type' | 'sessionClass' | 'state' | 'seat', from: string) => {
    const v = kv.get(from);
    if (v) s[key] = v;
  };
  set('user', 'USER');
  set('type', 'TYPE');
  set('sessionClass', 'CLASS');
  set('state', 'STATE');
  set('seat', 'SEAT');
  if (kv.has('UID') && Number.isInteger(uid)) s.uid = uid;
  return s;
}

const GRAPHICAL = new Set(['x11', 'wayland', 'mir']);

/** The graphical user session a person sits at: graphical, class user (not the greeter), active first. */
export function pickGraphicalSession(sessions: readonly LogindSession[]): LogindSession | undefined {
  const candidates = sessions.filter((s) => GRAPHICAL.has(s.type ?? '') && (s.sessionClass ?? 'user') === 'user');
  const rank = (s: LogindSession) => (s.active ? 0 : s.state === 'online' ? 1 : 2);
  return [...candidates].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id, 'en', { numeric: true }))[0];
}

export type IdleReading = { idleSeconds: number; detail: string } | { idleSeconds: null; reason: string };

/**
 * `loginctl show-session ID -p IdleHint -p IdleSinceHint`: IdleHint=yes|no, IdleSinceHint in µs since the epoch
 * (0 when never set). The desktop sets the hint after its own idle delay (GNOME: 5 min by default), so
 * IdleHint=no means "active within that delay", reported as 0.
 */
export function parseIdleHint(text: string, nowMs: number): IdleReading {
  const kv = parseKeyValues(text);
  const hint = kv.get('IdleHint');
  const sinceRaw = kv.get('IdleSinceHint');
  if ((hint !== 'yes' && hint !== 'no') || sinceRaw === undefined || !/^\d+$/.test(sinceRaw)) {
    return { idleSeconds: null, reason: 'loginctl answered without IdleHint/IdleSinceHint' };
  }
  const sinceUs = Number(sinceRaw);
  if (sinceUs === 0) return { idleSeconds: null, reason: 'the desktop never set logind IdleHint for this session' };
  if (hint === 'no') return { idleSeconds: 0, detail: 'IdleHint=no (active within the desktop idle delay)' };
  return { idleSeconds: Math.max(0, Math.floor((nowMs - sinceUs / 1000) / 1000)), detail: 'IdleHint=yes' };
}
