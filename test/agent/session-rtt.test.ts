import { describe, expect, it } from 'vitest';
import { withSessionRtt } from '../../agent/session-rtt.js';
import { nettopArgs, pingArgs } from '../../collectors/network/session-rtt.js';
import { parsePingWin } from '../../collectors/network/parse-ping-win.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { fakeContext, fixture } from '../helpers/fake-context.js';
import { emptySnapshot, proc, ruleContext, tcp } from '../helpers/snapshot.js';

const anydesk = (platform: 'darwin' | 'win32') => {
  const p = platform === 'darwin'
    ? proc({ pid: 8412, name: 'AnyDesk', exe: '/Applications/AnyDesk.app/Contents/MacOS/AnyDesk' })
    : proc({ pid: 8412, name: 'AnyDesk.exe', exe: 'C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe' });
  return emptySnapshot({
    platform,
    processes: [p],
    network: { connections: [tcp({ localAddress: '192.168.1.23', localPort: 50412, remoteAddress: '203.0.113.77', remotePort: 7070, pid: 8412 })] },
    collectors: { network: { status: 'ok', durationMs: 12 } },
  });
};
const usOnly = ruleContext({ expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['US'] } });

describe('session RTT after the collectors', () => {
  it('macOS: one nettop sample puts the kernel RTT on the AnyDesk session socket, and network.session-rtt fires', async () => {
    const ctx = fakeContext({ commands: { [`/usr/bin/nettop ${nettopArgs.join(' ')}`]: fixture('darwin', 'nettop-m-tcp-L1-J-state-rtt_avg.txt') } });
    const before = anydesk('darwin');
    expect(evaluateSnapshot(before, usOnly).findings.map((f) => f.rule)).not.toContain('network.session-rtt');
    const after = await withSessionRtt(before, ctx);
    expect(ctx.execCalls).toEqual([['/usr/bin/nettop', ...nettopArgs]]);
    expect(after.network?.connections[0]?.rttMs).toBe(182.41);
    expect(after.collectors.network?.notes).toEqual(['session RTT from nettop rtt_avg: 1 of 1 session socket(s) measured']);
    const finding = evaluateSnapshot(after, usOnly).findings.find((f) => f.rule === 'network.session-rtt');
    expect(finding?.evidence).toMatchObject({ rttMs: 182.41, thresholdMs: 96 });
  });

  it('forks nothing when no remote-control session is connected', async () => {
    const ctx = fakeContext({});
    const quiet = emptySnapshot({ platform: 'darwin', network: { connections: [tcp({ localPort: 50000, remotePort: 443 })] }, collectors: { network: { status: 'ok' } } });
    expect(await withSessionRtt(quiet, ctx)).toBe(quiet);
    expect(ctx.execCalls).toEqual([]);
  });

  it('Windows with the probe on: PING.EXE to the peer, the fastest echo as RTT', async () => {
    const ping = `C:\\Windows\\System32\\PING.EXE ${pingArgs('203.0.113.77').join(' ')}`;
    const ctx = fakeContext({ env: { SystemRoot: 'C:\\Windows' }, options: { sessionRttProbe: true }, commands: { [ping]: fixture('win32', 'ping-n3-w1000--peer.txt') } });
    const after = await withSessionRtt(anydesk('win32'), ctx);
    expect(ctx.execCalls).toEqual([['C:\\Windows\\System32\\PING.EXE', '-n', '3', '-w', '1000', '203.0.113.77']]);
    expect(after.network?.connections[0]?.rttMs).toBe(209);
    expect(after.collectors.network?.notes?.[0]).toMatch(/probing the remote peer .*203\.0\.113\.77: ICMP echo/);
    expect(evaluateSnapshot(after, usOnly).findings.map((f) => f.rule)).toContain('network.session-rtt');
  });

  it('Windows with the probe off (the default): no probe at all', async () => {
    const ctx = fakeContext({ env: { SystemRoot: 'C:\\Windows' } });
    const before = anydesk('win32');
    expect(await withSessionRtt(before, ctx)).toBe(before);
    expect(ctx.execCalls).toEqual([]);
  });

  it('Windows: a peer that drops ICMP is timed by TCP connects to its port; one that answers neither stays unmeasured', async () => {
    const ping = (ip: string) => `C:\\Windows\\System32\\PING.EXE ${pingArgs(ip).join(' ')}`;
    const dropped = Object.assign(new Error('Command failed: exit 1'), { code: 1, stdout: fixture('win32', 'ping-n3-w1000--de-timeout.txt') });
    const ctx = fakeContext({ env: { SystemRoot: 'C:\\Windows' }, options: { sessionRttProbe: true }, commands: { [ping('127.0.0.2')]: dropped } });
    // A real loopback listener stands for the peer: the TCP connect is a real one.
    const { createServer } = await import('node:net');
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.2', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const s = anydesk('win32');
      s.network!.connections = [tcp({ localAddress: '192.168.1.23', localPort: 50413, remoteAddress: '127.0.0.2', remotePort: port, pid: 8412 })];
      const { measureSessionRtt } = await import('../../collectors/network/session-rtt.js');
      const r = await measureSessionRtt(ctx, 'win32', [{ localPort: 50413, remoteAddress: '127.0.0.2', remotePort: port, outbound: true }]);
      expect([...r.rtts.values()][0]).toBeGreaterThanOrEqual(0);
      expect(r.notes[0]).toMatch(`127.0.0.2: TCP connect to port ${port}`);
    } finally {
      server.close();
    }
  });

  it('reads localised PING.EXE replies and ignores the statistics block', () => {
    expect(parsePingWin(fixture('win32', 'ping-n3-w1000--peer.txt')).samplesMs).toEqual([214, 209]);
    expect(parsePingWin(fixture('win32', 'ping-n3-w1000--de-timeout.txt')).samplesMs).toEqual([]);
    expect(parsePingWin('Antwort von 192.0.2.1: Bytes=32 Zeit<1ms TTL=128\r\nRéponse de 192.0.2.1 : octets=32 temps=21 ms TTL=56').samplesMs).toEqual([1, 21]);
  });
});
