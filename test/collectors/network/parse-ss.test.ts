import { describe, expect, it } from 'vitest';
import { parseProcNetSockets } from '../../../collectors/network/parse-proc-net-sockets.js';
import { parseSsTcpInfo, socketKey } from '../../../collectors/network/parse-ss.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseSsTcpInfo', () => {
  it('reads rtt per socket from `ss -tinH` recorded here', () => {
    const { rtt, skipped } = parseSsTcpInfo(fixture('linux', 'ss-tinH-loopback.txt'));
    expect(skipped).toBe(0);
    expect(rtt.size).toBe(4);
    for (const ms of rtt.values()) expect(ms).toBeGreaterThan(0);
    expect(rtt.get(socketKey('127.0.0.1', 43697, '127.0.0.1', 42286))).toBe(0.021);
  });

  it('keys match the /proc/net/tcp and tcp6 rows recorded at the same moment', () => {
    const { rtt } = parseSsTcpInfo(fixture('linux', 'ss-tinH-loopback.txt'));
    const rows = [
      ...parseProcNetSockets(fixture('linux', 'proc-net-tcp-loopback.txt'), 'tcp', 4).sockets,
      ...parseProcNetSockets(fixture('linux', 'proc-net-tcp6-loopback.txt'), 'tcp', 6).sockets,
    ].filter((s) => s.state === 'ESTABLISHED');
    expect(rows).toHaveLength(4);
    for (const s of rows) expect(rtt.has(socketKey(s.localAddress, s.localPort, s.remoteAddress, s.remotePort))).toBe(true);
  });

  it('handles zone ids, IPv4-mapped peers, a Netid column, sockets without info, and garbage', () => {
    const text = [
      'ESTAB 0 0 [fe80::1%wlan0]:22 [fe80::2%wlan0]:51000',
      '\t cubic wscale:7,7 rto:204 rtt:3.25/1.5 ato:40 mss:1428',
      'TIME-WAIT 0 0 10.0.0.5:40000 93.184.216.34:443',
      'tcp ESTAB 0 0 [::ffff:10.0.0.5]:7070 [::ffff:203.0.113.9]:50123',
      '\t cubic rtt:182/20 mss:1448',
      '\t orphan info line',
      'Cannot open netlink socket: Protocol not supported',
      'ESTAB 0 0 10.0.0.5:1',
    ].join('\n');
    const { rtt, skipped } = parseSsTcpInfo(text);
    expect(rtt.get(socketKey('fe80::1', 22, 'fe80::2', 51000))).toBe(3.25);
    expect(rtt.get(socketKey('::ffff:10.0.0.5', 7070, '::ffff:203.0.113.9', 50123))).toBe(182);
    expect(rtt.size).toBe(2);
    expect(skipped).toBe(3);
  });
});
