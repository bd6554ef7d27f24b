import { describe, expect, it } from 'vitest';
import { collect, lsofScreenSharing } from '../../../collectors/sessions/darwin.js';
import { bsdWhoDate, parseBsdWho } from '../../../collectors/sessions/parse-who-bsd.js';
import { sessionsSchema } from '../../../schema/snapshot/sessions.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const lsof = `lsof ${lsofScreenSharing.join(' ')}`;
const noMatch = Object.assign(new Error('Command failed: lsof'), { code: 1, stdout: '' });

describe('BSD who parser on the real macOS 10.14.6 captures', () => {
  it('who: console and ttys lines', () => {
    const { entries, skipped } = parseBsdWho(fixture('darwin', 'who.txt'));
    expect(skipped).toEqual([]);
    expect(entries.map((e) => `${e.user} ${e.line} ${e.month + 1}/${e.day} ${e.hour}:${e.minute}`)).toEqual([
      'macuser console 2/7 23:32', 'macuser ttys001 2/11 21:25', 'macuser ttys002 3/1 15:18', 'macuser ttys003 2/28 8:59',
    ]);
  });
  it('who -aH: header, reboot and run-level lines skipped and counted; idle/pid/comment ignored', () => {
    const { entries, skipped } = parseBsdWho(fixture('darwin', 'who--aH-jc-osx10146.txt'));
    expect(entries.map((e) => e.line)).toEqual(['console', 'ttys000', 'ttys001', 'ttys002', 'ttys003', 'ttys004']);
    expect(skipped).toHaveLength(2);
  });
  it('no year in who: a date after now belongs to last year', () => {
    const [e] = parseBsdWho('bob console Dec 30 09:00\n').entries;
    expect(bsdWhoDate(e!, new Date(2026, 0, 2)).getFullYear()).toBe(2025);
    expect(bsdWhoDate(e!, new Date(2026, 11, 31)).getFullYear()).toBe(2026);
  });
});

describe('sessions darwin source', () => {
  it('who sessions plus a screen-sharing peer from lsof; schema-valid', async () => {
    const ctx = fakeContext({ commands: { who: fixture('darwin', 'who.txt') + 'alice ttys005 Mar  1 17:20 (198.51.100.4)\n', [lsof]: fixture('darwin', 'lsof-iTCP5900.txt') } });
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(sessionsSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(2);
    expect(r.data.sessions.filter((s) => s.type === 'console')).toHaveLength(1);
    expect(r.data.sessions.find((s) => s.user === 'alice')).toMatchObject({ type: 'ssh', remoteHost: '198.51.100.4' });
    expect(r.data.sessions.filter((s) => s.type === 'screen-sharing').map((s) => s.remoteHost)).toEqual(['203.0.113.77', 'fe80:4::aede:48ff:fe00:1122']);
  });
  it('lsof finding nothing (exit 1) is no screen sharing, without a note; lsof missing is a note', async () => {
    const a = await collect(fakeContext({ commands: { who: fixture('darwin', 'who.txt'), [lsof]: noMatch } }));
    expect(a.status === 'ok' && a.notes).toBeUndefined();
    const b = await collect(fakeContext({ commands: { who: fixture('darwin', 'who.txt') } }));
    expect(b.status === 'ok' && b.notes?.join()).toMatch(/screen-sharing sessions unknown/);
  });
  it('who missing is command-missing; French month names are skipped and counted', async () => {
    expect(await collect(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
    const r = await collect(fakeContext({ commands: { who: 'alice console  févr  7 23:32\n', [lsof]: noMatch } }));
    expect(r.status === 'ok' && r.notes).toEqual(['who: 1 line(s) not understood and skipped']);
  });
});
