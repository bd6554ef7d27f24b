import { describe, expect, it } from 'vitest';
import { collect as collectDarwin } from '../../../collectors/remoteSessions/darwin.js';
import { collect as collectWin32 } from '../../../collectors/remoteSessions/win32.js';
import { remoteSessionsSchema } from '../../../schema/snapshot/remoteSessions.js';
import { powershell } from '../../../collectors/win32/inventory.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

/** The machine running the tests has none of the Windows/macOS log files: only the command-fed sources answer. */
describe('remoteSessions on Windows (inventory remoteLogons) and macOS (log show)', () => {
  it('Windows: the inventory\'s event records become sessions, each reported once per daemon', async () => {
    const doc = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json'));
    doc.remoteLogons = { data: { events: JSON.parse(fixture('win32', 'remote-logons-events.json')) }, ms: 40 };
    const memory = new Map<string, unknown>();
    const run = () => collectWin32(fakeContext({ commands: { [powershell]: JSON.stringify(doc) }, memory }));
    const first = await run();
    if (first.status !== 'ok') throw new Error(JSON.stringify(first));
    expect(remoteSessionsSchema.parse(first.data).sessions.map((s) => [s.tool, s.source])).toEqual([['rdp', 'windows:terminalservices'], ['chrome-remote-desktop', 'windows:chromoting']]);
    expect(first.data.logs).toContainEqual(expect.objectContaining({ source: 'windows:event-log', state: 'read' }));
    const second = await run();
    expect(second.status === 'ok' && second.data.sessions).toEqual([]);
  });

  it('Windows: without PowerShell the log files are still read and the gap is a note, not an error', async () => {
    const result = await collectWin32(fakeContext({}));
    expect(result).toMatchObject({ status: 'ok', data: { sessions: [] } });
    expect(result.status === 'ok' && result.notes?.[0]).toMatch(/Windows event records not read/);
  });

  it('macOS: one bounded log show for screensharingd, its window shrinking to the time since the last reading', async () => {
    const memory = new Map<string, unknown>();
    const calls: string[][] = [];
    const now = { t: new Date('2026-03-10T09:00:00Z') };
    const ctx = () => {
      const c = fakeContext({ commands: { '/usr/bin/log': (args) => { calls.push([...args]); return fixture('darwin', 'screensharingd-log-show.txt'); } }, memory });
      return { ...c, now: () => now.t };
    };
    const first = await collectDarwin(ctx());
    expect(first.status === 'ok' && first.data.sessions.map((s) => s.peerAddress)).toEqual(['203.0.113.90', '2001:db8::42']);
    now.t = new Date('2026-03-10T10:00:00Z');
    const second = await collectDarwin(ctx());
    expect(second.status === 'ok' && second.data.sessions).toEqual([]);
    expect(calls.map((a) => a[a.indexOf('--last') + 1])).toEqual(['120m', '61m']);
    expect(calls[0]).toEqual(['show', '--style', 'syslog', '--last', '120m', '--predicate', 'process == "screensharingd"']);
  });
});
