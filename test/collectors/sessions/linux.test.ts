import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/sessions/linux.js';
import { sessionsSchema } from '../../../schema/snapshot/sessions.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';
import { realisticUtmp } from './utmp-builder.js';
import { unixTool } from '../../../collectors/programs.js';

describe('sessions (Linux)', () => {
  it('reads utmp without forking and types each login', async () => {
    const ctx = fakeContext({ files: { '/var/run/utmp': realisticUtmp() } });
    const r = await collect(ctx);
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(sessionsSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toEqual([]);
    expect(r.data.sessions).toEqual([
      { user: 'kbrazil', type: 'tty', line: 'ttyS0', since: '2020-02-29T12:14:00.000Z', pid: 840 },
      { user: 'kbrazil', type: 'ssh', line: 'pts/0', remoteHost: '192.168.71.1', since: '2020-02-29T18:43:00.000Z', pid: 3709 },
      { user: 'atemu', type: 'graphical', line: 'seat0', since: '2023-10-21T20:06:00.000Z', pid: 1201 },
      { user: 'atemu', type: 'graphical', line: ':0', since: '2023-10-21T20:06:00.000Z', pid: 1202 },
    ]);
  });

  it('notes the bytes of a truncated utmp', async () => {
    const r = await collect(fakeContext({ files: { '/run/utmp': realisticUtmp().subarray(0, 384 * 4 + 10) } }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(r.data.sessions).toHaveLength(2);
    expect(r.notes?.[0]).toContain('10 trailing byte(s) after 4 whole');
  });

  it('falls back to who (one fork) when utmp is absent', async () => {
    const ctx = fakeContext({ commands: { who: fixture('linux', 'who-jc-centos77.txt') }, dirs: { '/run/systemd/sessions': ['2'] } });
    const r = await collect(ctx);
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    expect(ctx.execCalls).toEqual([[unixTool('who')]]);
    expect(r.data.sessions.map((s) => [s.type, s.remoteHost])).toEqual([['tty', undefined], ['ssh', '192.168.71.1']]);
    expect(r.notes?.[0]).toContain('/var/run/utmp absent');
  });

  it('is an error, not an empty list, when neither utmp nor who can be read', async () => {
    const r = await collect(fakeContext({ dirs: { '/run/systemd/sessions': ['2'] } }));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });

  it('lists no session, without forking who, when there is neither utmp nor logind (who has nothing to read)', async () => {
    const ctx = fakeContext({ commands: { who: fixture('linux', 'who-jc-centos77.txt') } });
    const r = await collect(ctx);
    expect(ctx.execCalls).toEqual([]);
    expect(r).toMatchObject({ status: 'ok', data: { sessions: [] } });
    if (r.status === 'ok') expect(r.notes?.[0]).toContain('no logind');
  });

  it('lists no session, without forking who, when logind runs but holds no session (its folder empty or only .ref FIFOs)', async () => {
    for (const entries of [[], ['2.ref']]) {
      const ctx = fakeContext({ commands: { who: fixture('linux', 'who-jc-centos77.txt') }, dirs: { '/run/systemd/sessions': entries } });
      const r = await collect(ctx);
      expect(ctx.execCalls).toEqual([]);
      expect(r).toMatchObject({ status: 'ok', data: { sessions: [] } });
      if (r.status === 'ok') expect(r.notes?.[0]).toMatch(/no logind|logind lists no session/);
    }
  });
});
