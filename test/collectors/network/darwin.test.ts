import { describe, expect, it } from 'vitest';
import { airportPath, arpArgs, collect, ifconfigArgs, netstatTcp, netstatUdp, networksetupArgs, routeArgs } from '../../../collectors/network/darwin.js';
import { parseBsdNetstat } from '../../../collectors/network/parse-netstat-bsd.js';
import { parseAirportI, parseIpconfigSummary } from '../../../collectors/network/parse-wifi-macos.js';
import { networkSchema } from '../../../schema/snapshot/network.js';
import { fakeContext, fixture, type FakeOs } from '../../helpers/fake-context.js';
import { darwinTools } from '../../../collectors/programs.js';

const k = (f: string, a: readonly string[]) => [f, ...a].join(' ');
function mac(over: FakeOs['commands'] = {}): FakeOs {
  return {
    files: { '/etc/resolv.conf': fixture('darwin', 'resolv.conf') },
    commands: {
      [k('netstat', netstatTcp)]: fixture('darwin', 'netstat-anvW-p-tcp.txt'),
      [k('netstat', netstatUdp)]: fixture('darwin', 'netstat-anvW-p-udp.txt'),
      [k('ifconfig', ifconfigArgs)]: fixture('darwin', 'ifconfig-v.txt'),
      [k('route', routeArgs)]: fixture('darwin', 'route-n-get-default.txt'),
      [k('arp', arpArgs)]: fixture('darwin', 'arp-an.txt'),
      'ipconfig getsummary en0': fixture('darwin', 'ipconfig-getsummary-en0.txt'),
      ...over,
    },
  };
}

describe('network darwin source', () => {
  it('sockets with pids, interfaces by kind, gateway MAC, DNS, and a redacted BSSID as null with its reason', async () => {
    const ctx = fakeContext(mac());
    const r = await collect(ctx);
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(networkSchema.safeParse(r.data).success).toBe(true);
    expect(ctx.execCalls).toHaveLength(6);
    const c = r.data.connections;
    expect(c).toHaveLength(9);
    expect(c.find((s) => s.remotePort === 7070)).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '192.168.1.20', localPort: 52311, remoteAddress: '203.0.113.77', state: 'ESTABLISHED', pid: 733 });
    expect(c.find((s) => s.localPort === 5900 && s.state === 'LISTEN')).toMatchObject({ family: 6, localAddress: '::', pid: 1 });
    expect(c.find((s) => s.family === 6 && s.protocol === 'tcp' && s.state === 'ESTABLISHED')).toMatchObject({ localAddress: '2001:db8:5::1c2b', remoteAddress: '2606:4700::6810:84e5', remotePort: 443 });
    expect(c.find((s) => s.protocol === 'udp' && s.pid === 733)).toMatchObject({ state: 'ESTABLISHED', remotePort: 50001 });
    expect(c.find((s) => s.state === 'TIME_WAIT')?.pid).toBeUndefined();
    expect(Object.fromEntries(r.data.interfaces.map((i) => [i.name, [i.kind, i.up]]))).toEqual({
      lo0: ['loopback', true], en0: ['wifi', true], en5: ['usb-net', false], awdl0: ['virtual', true], utun3: ['tunnel', true],
    });
    expect(r.data.interfaces.find((i) => i.name === 'en5')?.mac).toBe('00:e0:4c:00:00:00');
    expect(r.data.identity.gateway).toEqual({ ip: '192.168.1.1', mac: '3c:37:86:00:00:00', interface: 'en0' });
    expect(r.data.identity.neighbors.map((n) => n.ip)).toEqual(['192.168.1.1', '192.168.1.50']);
    expect(r.data.identity.dnsServers).toEqual(['192.168.1.1', '2001:db8:5::1']);
    expect(r.data.identity.wifi).toEqual({ interface: 'en0', ssid: null, bssid: null, unavailableReason: expect.stringMatching(/Location Services/) });
  });

  it('an ifconfig without `type:` lines (older macOS) asks networksetup for the hardware ports', async () => {
    const noTypes = fixture('darwin', 'ifconfig-v.txt').split('\n').filter((l) => !/^\ttype: /.test(l)).join('\n');
    const ctx = fakeContext(mac({ [k('ifconfig', ifconfigArgs)]: noTypes, [k('networksetup', networksetupArgs)]: fixture('darwin', 'networksetup-listallhardwareports.txt') }));
    const r = await collect(ctx);
    expect(ctx.execCalls.some((c) => c[0] === darwinTools.networksetup)).toBe(true);
    expect(r.status === 'ok' && Object.fromEntries(r.data.interfaces.map((i) => [i.name, i.kind]))).toMatchObject({ en0: 'wifi', awdl0: 'virtual', en5: 'other' });
  });

  it('with location permission the SSID and BSSID are read', async () => {
    const r = await collect(fakeContext(mac({ 'ipconfig getsummary en0': fixture('darwin', 'ipconfig-getsummary-en0--with-location.txt') })));
    expect(r.status === 'ok' && r.data.identity.wifi).toEqual({ interface: 'en0', ssid: 'HomeNet 5G', bssid: '3c:37:86:00:00:00' });
  });

  it('falls back to airport -I (real 10.14.6 capture) when ipconfig getsummary fails', async () => {
    const r = await collect(fakeContext(mac({ 'ipconfig getsummary en0': new Error('unknown command'), [k(airportPath, ['-I'])]: fixture('darwin', 'airport-I--jc-osx10146.txt') })));
    expect(r.status === 'ok' && r.data.identity.wifi).toEqual({ interface: 'en0', ssid: 'SnazzleDazzle', bssid: '3c:37:86:15:ad:f9' });
  });

  it('no netstat at all is an error with code command-missing; a missing arp/route only a note', async () => {
    expect(await collect(fakeContext({}))).toMatchObject({ status: 'error', code: 'command-missing' });
    const r = await collect(fakeContext(mac({ [k('route', routeArgs)]: new Error('x'), [k('arp', arpArgs)]: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }) })));
    expect(r.status === 'ok' && r.data.identity.gateway).toBeNull();
    expect(r.status === 'ok' && r.notes?.join('\n')).toMatch(/arp -an failed \(command-missing\)/);
  });
});

describe('BSD netstat parser on the real macOS 10.14.6 `netstat -An` capture', () => {
  it('reads tcp4/tcp6/udp rows by header, skips unix sockets, counts IPv6 rows truncated by netstat', () => {
    const { sockets, skipped } = parseBsdNetstat(fixture('darwin', 'netstat-An--jc-osx10146.txt'));
    expect(sockets.find((s) => s.localPort === 5486 || s.remoteAddress === '140.82.113.26')).toBeDefined();
    expect(sockets[0]).toMatchObject({ protocol: 'tcp', family: 4, localAddress: '192.168.1.221', remoteAddress: '140.82.113.26', remotePort: 443, state: 'ESTABLISHED' });
    expect(sockets.every((s) => s.pid === undefined)).toBe(true);
    expect(sockets.some((s) => s.protocol === 'udp' && s.state === 'UNCONN')).toBe(true);
    expect(skipped.length).toBeGreaterThan(0); // "2600:1700:bab0:d.5" is a cut address, not an address
    expect(sockets.length).toBeGreaterThan(20);
  });
  it('macOS 26 "process:pid" owners with spaces in the name, header wider than the rows, UDP without a state', async () => {
    const r = await collect(fakeContext(mac({
      [k('netstat', netstatTcp)]: fixture('darwin', 'netstat-anvW-p-tcp--macos26.txt'),
      [k('netstat', netstatUdp)]: fixture('darwin', 'netstat-anvW-p-udp--macos26.txt'),
    })));
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    const c = r.data.connections;
    expect(c).toHaveLength(11);
    expect(c.every((s) => s.pid !== undefined && s.process !== undefined)).toBe(true);
    expect(r.notes ?? []).not.toContainEqual(expect.stringMatching(/skipped|no pid/));
    expect(c.find((s) => s.localPort === 8080)).toMatchObject({ state: 'LISTEN', pid: 777, process: 'Google Chrome H' });
    expect(c.find((s) => s.localPort === 53107)).toMatchObject({ remoteAddress: '203.0.113.151', remotePort: 443, pid: 661, process: 'Code - Insiders' });
    expect(c.find((s) => s.localPort === 63657)).toMatchObject({ protocol: 'udp', state: 'ESTABLISHED', pid: 94258, process: 'Claude Helper' });
    expect(c.find((s) => s.remotePort === 7070)).toMatchObject({ pid: 733, process: 'AnyDesk' });
    expect(c.find((s) => s.localPort === 3283)).toMatchObject({ family: 6, localAddress: '::', pid: 1044, process: 'ARDAgent' });
    expect(c.find((s) => s.family === 6 && s.state === 'ESTABLISHED')).toMatchObject({ remoteAddress: '2001:db8:9::84e5', pid: 1022, process: 'Google Chrome' });
    expect(c.find((s) => s.localPort === 5353)).toMatchObject({ protocol: 'udp', family: 6, state: 'UNCONN', pid: 402, process: 'mDNSResponder' });
  });

  it('an owner column that is not "name:pid" leaves the socket without an owner instead of guessing', () => {
    const head = 'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)          rxbytes      txbytes  rhiwat  shiwat          process:pid    state';
    const { sockets, skipped } = parseBsdNetstat(`${head}\ntcp4       0      0  *.22                   *.*                    LISTEN                 0            0  131072  131072  launchd:x  00000\n`);
    expect(skipped).toEqual([]);
    expect(sockets).toEqual([{ protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 22, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' }]);
  });

  it('airport -I and ipconfig getsummary: odd input', () => {
    expect(parseAirportI('AirPort: Off\n')).toEqual({ associated: false, ssid: null, bssid: null });
    expect(parseIpconfigSummary('<dictionary> {\n  InterfaceType : Ethernet\n}\n')).toBeUndefined();
    expect(parseIpconfigSummary('<dictionary> {\n  InterfaceType : WiFi\n  LinkStatusActive : FALSE\n}\n')?.associated).toBe(false);
  });
});
