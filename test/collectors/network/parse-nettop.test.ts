import { describe, expect, it } from 'vitest';
import { flowKey, nettopDurationMs, parseNettop, withFlowRtt } from '../../../collectors/network/parse-nettop.js';
import { fixture } from '../../helpers/fake-context.js';

describe('nettop -m tcp -L 1 -J state,rtt_avg', () => {
  it('reads each flow with its owner, state and smoothed RTT', () => {
    const { flows, skipped } = parseNettop(fixture('darwin', 'nettop-m-tcp-L1-J-state-rtt_avg.txt'));
    expect(skipped).toBe(0);
    expect(flows).toHaveLength(7);
    expect(flows[1]).toEqual({
      family: 4, localAddress: '192.168.1.23', localPort: 50412, remoteAddress: '203.0.113.77', remotePort: 7070,
      state: 'Established', rttMs: 182.41, process: 'AnyDesk', pid: 8412,
    });
    expect(flows[3]).toMatchObject({ family: 6, localAddress: '2001:db8:5::23', localPort: 50522, remoteAddress: '2606:4700::6812:1a2b', remotePort: 443, process: 'Google Chrome H', pid: 777, rttMs: 12.35 });
    expect(flows[4]).toMatchObject({ state: 'Closed' });
    expect(flows[4]?.rttMs).toBeUndefined();
    expect(flows[5]).toMatchObject({ localPort: 5900, remoteAddress: '203.0.113.90', rttMs: 231.8, process: 'screensharingd' });
    expect(flows[6]).toMatchObject({ localAddress: '*', localPort: 5900, remotePort: 0, state: 'Listen' });
  });

  it('counts rows it cannot read and never throws', () => {
    const { flows, skipped } = parseNettop('garbage\ntime,,state,rtt_avg,\n1,tcp4 nonsense,Established,3 ms,\n2,???,,,\n\u0000\u00ff');
    expect(flows).toEqual([]);
    expect(skipped).toBe(4);
    expect(parseNettop('').flows).toEqual([]);
  });

  it('reads durations in ms, s and µs', () => {
    expect(nettopDurationMs('182.41 ms')).toBe(182.41);
    expect(nettopDurationMs('1.2 s')).toBe(1200);
    expect(nettopDurationMs('850 us')).toBe(0.85);
    expect(nettopDurationMs('')).toBeUndefined();
    expect(nettopDurationMs('-')).toBeUndefined();
  });

  it('puts the RTT on the netstat socket of the same flow only', () => {
    const rtts = new Map(parseNettop(fixture('darwin', 'nettop-m-tcp-L1-J-state-rtt_avg.txt')).flows.filter((f) => f.rttMs !== undefined).map((f) => [flowKey(f), f.rttMs!] as const));
    const sock = (localPort: number, remoteAddress: string, remotePort: number) => ({ protocol: 'tcp' as const, family: 4 as const, localAddress: '192.168.1.23', localPort, remoteAddress, remotePort, state: 'ESTABLISHED', pid: 8412 });
    const { sockets, matched } = withFlowRtt([sock(50412, '203.0.113.77', 7070), sock(50413, '203.0.113.77', 7070)], rtts);
    expect(matched).toBe(1);
    expect(sockets[0]?.rttMs).toBe(182.41);
    expect(sockets[1]?.rttMs).toBeUndefined();
  });
});
