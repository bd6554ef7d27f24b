import { describe, expect, it } from 'vitest';
import { parseIdleHint, parseSessionFile, pickGraphicalSession } from '../../../collectors/activity/parse-logind.js';
import { fixture } from '../../helpers/fake-context.js';

const NOW = Date.parse('2026-01-15T15:00:00Z');

describe('logind session files', () => {
  const wayland = parseSessionFile('2', fixture('linux', 'logind-session-2-wayland.txt'));
  const greeter = parseSessionFile('c1', fixture('linux', 'logind-session-c1-greeter.txt'));
  const ssh = parseSessionFile('5', fixture('linux', 'logind-session-5-ssh.txt'));

  it('reads the fields that matter', () => {
    expect(wayland).toEqual({ id: '2', user: 'alice', uid: 1000, type: 'wayland', sessionClass: 'user', active: true, state: 'active', remote: false, seat: 'seat0' });
    expect(ssh).toMatchObject({ type: 'tty', remote: true, active: true });
  });

  it('picks the graphical user session, never the greeter or an ssh session', () => {
    expect(pickGraphicalSession([greeter, ssh, wayland])?.id).toBe('2');
    expect(pickGraphicalSession([greeter, ssh])).toBeUndefined();
  });

  it('prefers the active graphical session', () => {
    const other = { ...wayland, id: '10', active: false, state: 'online' };
    expect(pickGraphicalSession([other, wayland])?.id).toBe('2');
  });
});

describe('parseIdleHint', () => {
  it('IdleHint=yes: seconds since IdleSinceHint', () => {
    expect(parseIdleHint(fixture('linux', 'loginctl-show-session-idle.txt'), NOW)).toEqual({ idleSeconds: 300, detail: 'IdleHint=yes' });
  });

  it('IdleHint=no: active within the desktop delay → 0', () => {
    expect(parseIdleHint(fixture('linux', 'loginctl-show-session-active.txt'), NOW)).toMatchObject({ idleSeconds: 0 });
  });

  it('IdleSinceHint=0: the desktop never set it → null with a reason', () => {
    expect(parseIdleHint(fixture('linux', 'loginctl-show-session-never.txt'), NOW)).toMatchObject({ idleSeconds: null, reason: expect.stringContaining('never set') });
  });

  it('garbage → null with a reason', () => {
    expect(parseIdleHint('Failed to get session: No session', NOW)).toMatchObject({ idleSeconds: null });
    expect(parseIdleHint('IdleHint=maybe\nIdleSinceHint=12\n', NOW)).toMatchObject({ idleSeconds: null });
  });
});
