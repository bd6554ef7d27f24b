import { describe, expect, it } from 'vitest';
import { parseDefaultRoute, parseDefaultRoute6, parseProcArp } from '../../../collectors/network/parse-proc-net-route.js';
import { fixture } from '../../helpers/fake-context.js';

describe('default routes', () => {
  it('finds the IPv4 default gateway recorded here', () => {
    expect(parseDefaultRoute(fixture('linux', 'proc-net-route-vm.txt'))).toEqual({ ip: '192.0.2.1', interface: 'eth0', metric: 0 });
  });

  it('takes the lowest metric when Wi-Fi and Ethernet both have a default route', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'tun0\t00000080\t00000000\t0001\t0\t0\t0\t00000080\t0\t0\t0',
    ].join('\n');
    expect(parseDefaultRoute(text)).toEqual({ ip: '10.0.0.1', interface: 'eth0', metric: 100 });
  });

  it('no default route → undefined (not a made-up gateway)', () => {
    const lines = fixture('linux', 'proc-net-route-vm.txt').split('\n');
    expect(parseDefaultRoute([lines[0], lines[2]].join('\n'))).toBeUndefined();
    expect(parseDefaultRoute('garbage\n\n1 2 3')).toBeUndefined();
  });

  it('finds the IPv6 default gateway and ignores the loopback reject route', () => {
    expect(parseDefaultRoute6(fixture('linux', 'proc-net-ipv6-route-vm.txt'))).toEqual({ ip: 'fd00::1', interface: 'eth0', metric: 1024 });
  });
});

describe('parseProcArp', () => {
  it('reads the neighbour table recorded here', () => {
    expect(parseProcArp(fixture('linux', 'proc-net-arp-vm.txt'))).toEqual({
      neighbors: [{ ip: '192.0.2.1', mac: '02:fc:00:00:00:05', interface: 'eth0', state: 'complete' }],
      incomplete: 0,
      skipped: 0,
    });
  });

  it('skips incomplete entries and counts unreadable rows', () => {
    const text = [
      'IP address       HW type     Flags       HW address            Mask     Device',
      '192.168.1.1      0x1         0x2         AC:84:C6:01:02:03     *        wlan0',
      '192.168.1.77     0x1         0x0         00:00:00:00:00:00     *        wlan0',
      '192.168.1.9      0x1         0x6         48:a9:8a:00:00:01     *        wlan0',
      '192.168.1.50     0x1',
    ].join('\n');
    const parsed = parseProcArp(text);
    expect(parsed.neighbors).toEqual([
      { ip: '192.168.1.1', mac: 'ac:84:c6:01:02:03', interface: 'wlan0', state: 'complete' },
      { ip: '192.168.1.9', mac: '48:a9:8a:00:00:01', interface: 'wlan0', state: 'permanent' },
    ]);
    expect(parsed.incomplete).toBe(1);
    expect(parsed.skipped).toBe(1);
  });
});
