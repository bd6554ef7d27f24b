import { describe, expect, it } from 'vitest';
import { parseIfconfig } from '../../../collectors/network/parse-ifconfig.js';
import { parseArpAn, parseRouteGet } from '../../../collectors/network/parse-route-arp-bsd.js';
import { fixture } from '../../helpers/fake-context.js';

/** The BSD network parsers on real macOS output (sources in test/fixtures/darwin/SOURCES.md). */
describe('darwin network parsers on real captures', () => {
  it('arp -an (Mac OS X, chef/ohai): MACs without leading zeros padded, the broadcast row left out', () => {
    const r = parseArpAn(fixture('darwin', 'arp-an--ohai.txt'));
    expect(r).toMatchObject({ incomplete: 0, skipped: 0 });
    expect(r.neighbors).toHaveLength(15);
    expect(r.neighbors[0]).toEqual({ ip: '10.20.10.1', mac: '00:04:ed:de:41:bf', interface: 'en1' });
    expect(r.neighbors.find((n) => n.ip === '10.20.10.57')?.mac).toBe('cc:08:e0:e0:8a:02');
    expect(r.neighbors.some((n) => n.mac === 'ff:ff:ff:ff:ff:ff')).toBe(false);
  });

  it('arp -a (macOS 10.14, jc): host names instead of "?", permanent entries, a row without ifscope', () => {
    const a = parseArpAn(fixture('darwin', 'arp-a--jc-osx10146.txt'));
    expect(a.skipped).toBe(0);
    expect(a.neighbors.map((n) => n.ip)).toEqual([
      '192.168.1.63', '192.168.1.74', '192.168.1.77', '192.168.1.80', '192.168.1.99', '192.168.1.187',
      '192.168.1.217', '192.168.1.222', '192.168.1.251', '192.168.1.250',
    ]);
    expect(a.neighbors.find((n) => n.ip === '192.168.1.74')?.mac).toBe('f0:18:98:05:d8:39');
    expect(a.neighbors.find((n) => n.ip === '192.168.1.222')?.state).toBe('permanent');
    const b = parseArpAn(fixture('darwin', 'arp-a--2-jc-osx10146.txt'));
    expect(b.skipped).toBe(0);
    expect(b.neighbors).toHaveLength(15);
    expect(b.neighbors[0]).toEqual({ ip: '169.254.81.142', mac: '60:93:17:3a:28:fc', interface: 'en0' });
    // broadcast and multicast rows (vmnet1/8 included) are not neighbours
    expect(b.neighbors.some((n) => n.ip.endsWith('.255') || n.ip.startsWith('224.') || n.ip.startsWith('239.'))).toBe(false);
  });

  it('route -n get default (Mac OS X, chef/ohai): gateway and interface', () => {
    expect(parseRouteGet(fixture('darwin', 'route-n-get-default--ohai.txt'))).toEqual({ ip: '10.20.10.1', interface: 'en1' });
  });

  it('ifconfig / ifconfig -a (without -v: no `type:` lines) from real Macs: names, state, MACs, prefixes', () => {
    const ohai = parseIfconfig(fixture('darwin', 'ifconfig-a--ohai.txt'));
    expect(ohai.map((e) => e.name)).toEqual(['lo0', 'gif0', 'stf0', 'en1', 'p2p0', 'en0', 'fw0', 'utun0']);
    expect(ohai.find((e) => e.name === 'en1')).toMatchObject({ up: true, mac: 'b8:8d:12:3a:32:de' });
    expect(ohai.find((e) => e.name === 'en1')?.addresses.map((a) => a.cidr)).toContain('10.20.10.144/24');
    expect(ohai.find((e) => e.name === 'en0')).toMatchObject({ up: false, addresses: [] });

    const jc = parseIfconfig(fixture('darwin', 'ifconfig--jc-osx10146.txt'));
    expect(jc.find((e) => e.name === 'en0')).toMatchObject({ up: true, mac: 'f0:18:98:03:d9:30' });
    expect(jc.find((e) => e.name === 'en0')?.addresses.find((a) => a.family === 4)?.cidr).toBe('192.168.1.72/24');
    expect(jc.find((e) => e.name === 'en5')).toMatchObject({ up: true, mac: 'ac:de:48:00:13:23' });
    expect(jc.filter((e) => /^utun\d$/.test(e.name) && e.up)).toHaveLength(5);

    const jc2 = parseIfconfig(fixture('darwin', 'ifconfig--2-jc-osx10146.txt'));
    expect(jc2.find((e) => e.name === 'en0')?.addresses.filter((a) => a.family === 6)).toHaveLength(6);
    expect(jc2.find((e) => e.name === 'VHC128')).toMatchObject({ up: false, addresses: [] });
    expect(jc2.filter((e) => /^vmnet\d$/.test(e.name)).map((e) => e.name)).toEqual(['vmnet1', 'vmnet8']);
  });
});
