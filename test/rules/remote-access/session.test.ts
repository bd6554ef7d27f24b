import { describe, expect, it } from 'vitest';
import { networkRegionLatency, networkSessionRtt, remoteAccessSession } from '../../../rules/remote-access/session-rules.js';
import { countryRttBoundMs } from '../../../rules/remote-access/rtt-bounds.js';
import { emptySnapshot, listen, proc, ruleContext, tcp } from '../../helpers/snapshot.js';

const ctx = ruleContext();

describe('remote-access.session', () => {
  it('finds an established connection owned by a catalogued process', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 10, name: 'rustdesk', exe: '/usr/bin/rustdesk' })],
      network: { connections: [tcp({ localPort: 40000, remoteAddress: '203.0.113.50', remotePort: 21116, pid: 10 })] },
    });
    const [m] = remoteAccessSession.evaluate(s, ctx);
    expect(m?.subject).toBe('rustdesk');
    expect(m?.confidence).toBe(0.9);
    expect(m?.evidence['sockets']).toEqual([expect.objectContaining({ remote: '203.0.113.50:21116', pid: 10, process: 'rustdesk' })]);
  });

  it('finds an inbound VNC connection from loopback (a tunnel) with no catalogued owner, at lower confidence', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 20, name: 'mystery-server' })],
      network: { connections: [listen(5901, 20, '127.0.0.1'), tcp({ localAddress: '127.0.0.1', localPort: 5901, remoteAddress: '127.0.0.1', remotePort: 45678, pid: 20 })] },
    });
    const [m] = remoteAccessSession.evaluate(s, ctx);
    expect(m?.subject).toBe('vnc');
    expect(m?.confidence).toBe(0.5);
  });

  it('finds an inbound RDP connection to xrdp as the catalogued tool', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 30, name: 'xrdp', exe: '/usr/sbin/xrdp' })],
      network: { connections: [listen(3389, 30), tcp({ localPort: 3389, remoteAddress: '198.51.100.4', remotePort: 61000, pid: 30 })] },
    });
    expect(remoteAccessSession.evaluate(s, ctx).map((m) => [m.subject, m.confidence])).toEqual([['xrdp', 0.9]]);
  });

  it('stays quiet for a developer\'s node on 4000 and 7070', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 40, name: 'node', exe: '/usr/bin/node' }), proc({ pid: 41, name: 'firefox' })],
      network: { connections: [
        listen(4000, 40), listen(7070, 40),
        tcp({ localAddress: '127.0.0.1', localPort: 4000, remoteAddress: '127.0.0.1', remotePort: 50001, pid: 40 }),
        tcp({ localAddress: '127.0.0.1', localPort: 50001, remoteAddress: '127.0.0.1', remotePort: 4000, pid: 41 }),
        tcp({ localPort: 7070, remoteAddress: '192.168.1.30', remotePort: 50002, pid: 40 }),
      ] },
    });
    expect(remoteAccessSession.evaluate(s, ctx)).toEqual([]);
  });

  it('stays quiet for ssh -L 5901:localhost:5901 and the viewer using it', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 50, name: 'ssh', exe: '/usr/bin/ssh' }), proc({ pid: 51, name: 'vncviewer', exe: '/usr/bin/vncviewer' })],
      network: { connections: [
        listen(5901, 50, '127.0.0.1'),
        tcp({ localAddress: '127.0.0.1', localPort: 5901, remoteAddress: '127.0.0.1', remotePort: 40100, pid: 50 }),
        tcp({ localAddress: '127.0.0.1', localPort: 40100, remoteAddress: '127.0.0.1', remotePort: 5901, pid: 51 }),
        tcp({ localPort: 40200, remoteAddress: '198.51.100.77', remotePort: 22, pid: 50 }),
      ] },
    });
    expect(remoteAccessSession.evaluate(s, ctx)).toEqual([]);
  });

  it('ignores a tool talking to itself over loopback and a port 443 flow without a catalogued owner', () => {
    const s = emptySnapshot({
      processes: [proc({ pid: 60, name: 'teamviewerd' }), proc({ pid: 61, name: 'TeamViewer', exe: '/opt/teamviewer/tv_bin/TeamViewer' }), proc({ pid: 62, name: 'curl' })],
      network: { connections: [
        listen(5939, 60, '127.0.0.1'),
        tcp({ localAddress: '127.0.0.1', localPort: 5939, remoteAddress: '127.0.0.1', remotePort: 41000, pid: 60 }),
        tcp({ localAddress: '127.0.0.1', localPort: 41000, remoteAddress: '127.0.0.1', remotePort: 5939, pid: 61 }),
        tcp({ localPort: 41001, remoteAddress: '203.0.113.8', remotePort: 443, pid: 62 }),
      ] },
    });
    expect(remoteAccessSession.evaluate(s, ctx)).toEqual([]);
  });
});

describe('network.session-rtt', () => {
  const snap = (rttMs: number) => emptySnapshot({
    processes: [proc({ pid: 70, name: 'anydesk' })],
    network: { connections: [tcp({ localPort: 7070, remoteAddress: '203.0.113.9', remotePort: 50123, pid: 70, rttMs })] },
  });

  it('fires above latency.maxSessionRttMs', () => {
    const [m] = networkSessionRtt.evaluate(snap(180), ruleContext({ latency: { anchors: [], maxSessionRttMs: 60 } }));
    expect(m?.subject).toBe('anydesk');
    expect(m?.evidence).toMatchObject({ rttMs: 180, thresholdMs: 60, basis: 'latency.maxSessionRttMs' });
  });

  it('derives the bound from expected.countries and stays below it for an in-country peer', () => {
    const us = ruleContext({ expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['US'] } });
    const bound = countryRttBoundMs('US')!;
    expect(bound).toBeGreaterThan(60);
    expect(bound).toBeLessThan(110); // Amazon's 110 ms case must fire
    expect(networkSessionRtt.evaluate(snap(110), us)).toHaveLength(1);
    expect(networkSessionRtt.evaluate(snap(35), us)).toEqual([]);
  });

  it('stays quiet with neither a limit nor known countries', () => {
    expect(networkSessionRtt.evaluate(snap(300), ctx)).toEqual([]);
    expect(networkSessionRtt.evaluate(snap(300), ruleContext({ expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['XX'] } }))).toEqual([]);
  });
});

describe('network.region-latency', () => {
  const anchors = [{ host: 'fw.example.com', port: 443, expectedMaxRttMs: 40 }];
  it('fires when a probe exceeds its anchor\'s expected RTT', () => {
    const s = emptySnapshot({ network: { probes: [{ host: 'fw.example.com', port: 443, rttMs: 190 }] } });
    const [m] = networkRegionLatency.evaluate(s, ruleContext({ latency: { anchors } }));
    expect(m?.evidence).toEqual({ host: 'fw.example.com', port: 443, rttMs: 190, expectedMaxRttMs: 40 });
    expect(m?.confidence).toBe(0.8);
  });
  it('stays quiet within the bound, for failed probes and for anchors without a bound', () => {
    const s = emptySnapshot({ network: { probes: [{ host: 'fw.example.com', port: 443, rttMs: 20 }, { host: 'fw.example.com', port: 443, rttMs: null, error: 'ETIMEDOUT' }, { host: 'other', port: 443, rttMs: 500 }] } });
    expect(networkRegionLatency.evaluate(s, ruleContext({ latency: { anchors: [...anchors, { host: 'other', port: 443 }] } }))).toEqual([]);
  });
});

describe('network.session-rtt bound from expected time zones', () => {
  const far = () => emptySnapshot({
    processes: [proc({ pid: 10, name: 'rustdesk', exe: '/usr/bin/rustdesk' })],
    network: { connections: [tcp({ localPort: 40000, remoteAddress: '203.0.113.50', remotePort: 21116, pid: 10, rttMs: 190 })] },
  });
  const zones = (timezones: string[]) => ruleContext({ expected: { timezones, locales: [], keyboardLayouts: [], countries: [] } });

  it('reads the countries of the expected zones when no country is given', async () => {
    const { countriesOfZones } = await import('../../../rules/remote-access/rtt-bounds.js');
    const { countryZones } = await import('../../../rules/geo/data.js');
    expect(countriesOfZones(['America/New_York'], countryZones())).toEqual(['US']);
    expect(countriesOfZones(['US/Eastern'], countryZones())).toEqual(['US']); // a link name
    expect(countriesOfZones(['Mars/Olympus'], countryZones())).toEqual([]);
    const [m] = networkSessionRtt.evaluate(far(), zones(['America/New_York', 'America/Chicago']));
    expect(m?.evidence).toMatchObject({ rttMs: 190, thresholdMs: countryRttBoundMs('US'), basis: 'expected.timezones America/New_York,America/Chicago (countries US)' });
  });

  it('countries win over zones, and unknown zones leave the rule quiet', () => {
    const both = ruleContext({ expected: { timezones: ['Asia/Tokyo'], locales: [], keyboardLayouts: [], countries: ['US'] } });
    expect(networkSessionRtt.evaluate(far(), both)[0]?.evidence).toMatchObject({ basis: 'expected.countries US' });
    expect(networkSessionRtt.evaluate(far(), zones(['Mars/Olympus']))).toEqual([]);
  });
});
