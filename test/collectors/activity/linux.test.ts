import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/activity/linux.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';
import { unixTool } from '../../../collectors/programs.js';

const D = '/run/systemd/sessions';
const files = {
  [`${D}/2`]: fixture('linux', 'logind-session-2-wayland.txt'),
  [`${D}/c1`]: fixture('linux', 'logind-session-c1-greeter.txt'),
  [`${D}/5`]: fixture('linux', 'logind-session-5-ssh.txt'),
};

describe('activity (Linux)', () => {
  it('asks loginctl about the graphical session only (one fork) and never opens the .ref FIFOs', async () => {
    const ctx = fakeContext({
      dirs: { [D]: ['2', '2.ref', 'c1', 'c1.ref', '5', '5.ref'] },
      files,
      commands: { 'loginctl show-session 2 -p IdleHint -p IdleSinceHint': fixture('linux', 'loginctl-show-session-idle.txt') },
    });
    const r = await collect(ctx);
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: 300, source: expect.stringContaining('logind session 2 (wayland, user alice)') } });
    expect(ctx.execCalls).toHaveLength(1);
    expect(ctx.execCalls[0]![0]).toBe(unixTool('loginctl'));
  });

  it('no graphical session: null with the reason, no fork', async () => {
    const ctx = fakeContext({ dirs: { [D]: ['5', '5.ref', 'c1'] }, files });
    const r = await collect(ctx);
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: null, unavailableReason: expect.stringContaining('no graphical logind session') } });
    expect(ctx.execCalls).toEqual([]);
  });

  it('no logind: null with the reason, no fork', async () => {
    const ctx = fakeContext({});
    const r = await collect(ctx);
    expect(r).toMatchObject({ status: 'ok', data: { idleSeconds: null, unavailableReason: expect.stringContaining('no logind') } });
    expect(ctx.execCalls).toEqual([]);
  });

  it('loginctl failing is an error, not a null', async () => {
    const r = await collect(fakeContext({ dirs: { [D]: ['2'] }, files }));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
