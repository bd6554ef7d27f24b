import { describe, expect, it } from 'vitest';
import { parseProcNetSockets } from '../../../collectors/network/parse-proc-net-sockets.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseProcNetSockets', () => {
  it('reads the jc desktop capture of /proc/net/tcp (27 rows, listeners and connections)', () => {
    const { sockets, skipped } = parseProcNetSockets(fixture('linux', 'proc-net-tcp-jc.txt'), 'tcp', 4);
    expect(skipped).toBe(0);
    expect(sockets).toHaveLength(27);
    expect(sockets[0]).toEqual({
      protocol: 'tcp', family: 4, localAddress: '127.0.0.53', localPort: 53, remoteAddress: '0.0.0.0', remotePort: 0,
      state: 'LISTEN', uid: 101, inode: 34000,
    });
    expect(sockets[3]).toMatchObject({
      localAddress: '192.168.42.128', localPort: 54352, remoteAddress: '152.199.4.33', remotePort: 443, state: 'CLOSE_WAIT', uid: 1000, inode: 149098,
    });
    const states = new Set(sockets.map((s) => s.state));
    expect(states.has('ESTABLISHED')).toBe(true);
  });

  it('reads the jc capture of /proc/net/tcp6 (four little-endian words)', () => {
    const { sockets, skipped } = parseProcNetSockets(fixture('linux', 'proc-net-tcp6-jc.txt'), 'tcp', 6);
    expect(skipped).toBe(0);
    expect(sockets).toHaveLength(8);
    expect(sockets[0]).toMatchObject({ localAddress: '::', localPort: 22, state: 'LISTEN', inode: 23556 });
    expect(sockets[1]).toMatchObject({
      localAddress: '2601:646:9e01:f100::3a4c', localPort: 59136, remoteAddress: '2a03:2880:f131:83:face:b00c:0:25de', remotePort: 80,
      state: 'TIME_WAIT', inode: 0,
    });
  });

  it('reads UDP tables recorded here: 07 is an unconnected socket, 01 a connected one', () => {
    const v4 = parseProcNetSockets(fixture('linux', 'proc-net-udp-loopback.txt'), 'udp', 4);
    expect(v4.skipped).toBe(0);
    expect(v4.sockets.map((s) => [s.localAddress, s.state, s.remoteAddress])).toEqual([
      ['127.0.0.1', 'UNCONN', '0.0.0.0'],
      ['127.0.0.1', 'ESTABLISHED', '127.0.0.1'],
    ]);
    const v6 = parseProcNetSockets(fixture('linux', 'proc-net-udp6-loopback.txt'), 'udp', 6);
    expect(v6.sockets).toEqual([expect.objectContaining({ protocol: 'udp', family: 6, localAddress: '::1', state: 'UNCONN' })]);
  });

  it('skips and counts truncated and garbage lines, keeping the good ones', () => {
    const text = fixture('linux', 'proc-net-tcp-jc.txt').split('\n');
    const broken = [
      text[0],
      text[1],
      text[2]!.slice(0, 30), // cut mid-line
      'Speicherzugriffsfehler',
      '   9: 0100007F:0277 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000     0        0 1 1',
      '   9: 0100007G:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1',
      text[4],
    ].join('\n');
    const { sockets, skipped } = parseProcNetSockets(broken, 'tcp', 4);
    expect(skipped).toBe(4);
    expect(sockets.map((s) => s.inode)).toEqual([34000, 149098]);
  });

  it('an empty table (header only) is no sockets and nothing skipped', () => {
    expect(parseProcNetSockets(fixture('linux', 'proc-net-tcp6-jc.txt').split('\n')[0]!, 'tcp', 6)).toEqual({ sockets: [], skipped: 0 });
  });
});
