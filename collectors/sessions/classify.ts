import type { Session } from '../../schema/snapshot/sessions.js';

type SessionType = Session['type'];

/** A utmp/who "host" that is really a local X display (":0", ":1.0"), not a remote machine. */
function isDisplay(host: string): boolean {
  return /^:\d+(\.\d+)?$/.test(host);
}

/** Local terminal multiplexers write their own name where a host would be: "tmux(1234).%0", "screen". */
function isMultiplexer(host: string): boolean {
  return /^(tmux\(\d+\)|screen)/.test(host);
}

/**
 * Session type from a utmp line and host, both as `who` prints them. A remote host on a pts line is
 * ssh (sshd is what writes one; telnet/rlogin are long gone); xrdp and VNC name themselves in the host.
 */
export function classifySession(line: string, host: string): { type: SessionType; remoteHost?: string } {
  const h = host.trim();
  if (/xrdp/i.test(h) || /xrdp/i.test(line)) return { type: 'rdp', ...(h && !isDisplay(h) ? { remoteHost: h } : {}) };
  if (/vnc/i.test(h) || /vnc/i.test(line)) return { type: 'vnc', ...(h && !isDisplay(h) ? { remoteHost: h } : {}) };
  if (line === 'console') return { type: 'console' };
  if (line.startsWith(':') || line.startsWith('seat') || isDisplay(h)) return { type: 'graphical' };
  if (/^tty(S|USB)?\d+$/.test(line)) return { type: 'tty' };
  if (line.startsWith('pts/')) {
    if (h === '' || isMultiplexer(h)) return { type: 'other' };
    if (/^mosh /.test(h)) return { type: 'other', remoteHost: h };
    return { type: 'ssh', remoteHost: h };
  }
  return h ? { type: 'other', remoteHost: h } : { type: 'other' };
}
