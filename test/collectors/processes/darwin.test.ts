import { describe, expect, it } from 'vitest';
import { collect, psArgs } from '../../../collectors/processes/darwin.js';
import { processesSchema } from '../../../schema/snapshot/processes.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const ps = `ps ${psArgs.join(' ')}`;
const text = () => fixture('darwin', 'ps-axww-o-pid-ppid-uid-user-lstart-comm-args.txt');

describe('processes darwin source', () => {
  it('one ps fork: names, executable paths with spaces, users, start times', async () => {
    const ctx = fakeContext({ commands: { [ps]: text() } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(processesSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(1);
    expect(r.data).toHaveLength(8);
    expect(r.data.find((p) => p.pid === 733)).toMatchObject({
      name: 'AnyDesk', exe: '/Applications/AnyDesk.app/Contents/MacOS/AnyDesk', user: 'alice', uid: 501, ppid: 1,
      cmdline: ['/Applications/AnyDesk.app/Contents/MacOS/AnyDesk', '--service'],
      startTime: new Date(2026, 10, 23, 8, 13, 40).toISOString(),
    });
    const renderer = r.data.find((p) => p.pid === 1088);
    expect(renderer?.name).toBe('Google Chrome Helper (Renderer)');
    expect(renderer?.cmdline?.slice(1)).toEqual(['--type=renderer', '--lang=en-US']);
    expect(r.data.find((p) => p.pid === 2301)).toMatchObject({ name: '-zsh', cmdline: ['-zsh'] });
    expect(r.data.find((p) => p.pid === 2301)?.exe).toBeUndefined();
  });

  it('redacted command lines keep argv[0] only', async () => {
    const r = await collect(fakeContext({ commands: { [ps]: text() }, options: { redactCommandLines: true } }));
    expect(r.status === 'ok' && r.data.find((p) => p.pid === 733)?.cmdline).toEqual(['/Applications/AnyDesk.app/Contents/MacOS/AnyDesk']);
  });

  it('odd input: missing ps, a foreign header, a cut line', async () => {
    expect(await collect(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
    expect(await collect(fakeContext({ commands: { [ps]: '  PID COMMANDE\n 1 launchd\n' } }))).toMatchObject({ status: 'error', code: 'parse-error' });
    const cut = text().split('\n').slice(0, 4).join('\n') + '\n  999     1   501 alice Wed Nov';
    const r = await collect(fakeContext({ commands: { [ps]: cut } }));
    expect(r.status === 'ok' && r.data.length).toBe(3);
    expect(r.status === 'ok' && r.notes).toEqual(['ps: 1 line(s) not understood and skipped']);
  });
});
