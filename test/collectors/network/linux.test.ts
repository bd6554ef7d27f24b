import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type AddressInfo, type Server, type Socket as TcpSocket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type ContextStats } from '../../../collectors/context.js';
import { collectLinux } from '../../../collectors/network/linux.js';
import { networkSchema, type Network } from '../../../schema/snapshot/network.js';
import type { ProcFds } from '../../../collectors/network/socket-owners.js';
import type { CollectResult } from '../../../collectors/types.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';
import { unixTool } from '../../../collectors/programs.js';

const ok = (r: CollectResult<Network>) => {
  if (r.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
};

describe.runIf(process.platform === 'linux')('network on this Linux machine (real sockets, real /proc)', () => {
  const open: { servers: Server[]; tcp: TcpSocket[]; udp: UdpSocket[] } = { servers: [], tcp: [], udp: [] };
  const pairs: { host: string; server: number; client: number }[] = [];
  let udpBound = 0;
  let udpConnected = 0;

  async function tcpPair(host: string) {
    const server = createServer((s) => open.tcp.push(s));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
    open.servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const client = connect(port, host);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    open.tcp.push(client);
    pairs.push({ host, server: port, client: client.localPort! });
  }

  beforeAll(async () => {
    await tcpPair('127.0.0.1');
    await tcpPair('::1').catch(() => undefined); // no IPv6 loopback here: the IPv4 case still runs
    const a = createSocket('udp4');
    await new Promise<void>((r) => a.bind(0, '127.0.0.1', r));
    const b = createSocket('udp4');
    await new Promise<void>((r) => b.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => b.connect(a.address().port, '127.0.0.1', () => r()));
    open.udp.push(a, b);
    udpBound = a.address().port;
    udpConnected = b.address().port;
  });
  afterAll(async () => {
    for (const s of open.tcp) s.destroy();
    for (const u of open.udp) u.close();
    await Promise.all(open.servers.map((s) => new Promise((r) => s.close(r))));
  });

  // Reads this machine's real /proc and /sys: only a Linux machine has them (the fake-machine tests run everywhere).
  it.skipIf(process.platform !== 'linux')('finds the listener, both ends of each connection with our pid, and the UDP sockets', async () => {
    const stats: ContextStats = { forks: 0 };
    const ctx = createContext({
      log: pino({ level: 'silent' }), signal: new AbortController().signal, stats,
      options: { probeAnchors: [], redactCommandLines: false },
    });
    const result = ok(await collectLinux(ctx));
    const data = networkSchema.parse(result.data);
    const find = (p: Partial<Network['connections'][number]>) =>
      data.connections.find((c) => Object.entries(p).every(([k, v]) => (c as Record<string, unknown>)[k] === v));

    expect(pairs.length).toBeGreaterThanOrEqual(1);
    const ssMissing = result.notes?.some((n) => n.startsWith('ss (iproute2) not installed'));
    for (const { host, server, client } of pairs) {
      const family = host.includes(':') ? 6 : 4;
      expect(find({ protocol: 'tcp', family, localAddress: host, localPort: server, state: 'LISTEN' })).toMatchObject({ pid: process.pid });
      const out = find({ protocol: 'tcp', localAddress: host, localPort: client, remotePort: server, state: 'ESTABLISHED' });
      const back = find({ protocol: 'tcp', localAddress: host, localPort: server, remotePort: client, state: 'ESTABLISHED' });
      expect(out).toMatchObject({ pid: process.pid, remoteAddress: host });
      expect(back).toMatchObject({ pid: process.pid, remoteAddress: host });
      expect(out?.process).toBeTruthy();
      if (!ssMissing) expect(out?.rttMs).toBeGreaterThanOrEqual(0);
    }
    expect(find({ protocol: 'udp', localAddress: '127.0.0.1', localPort: udpBound, state: 'UNCONN' })).toMatchObject({ pid: process.pid });
    expect(find({ protocol: 'udp', localPort: udpConnected, remotePort: udpBound, state: 'ESTABLISHED' })).toMatchObject({ pid: process.pid });

    const lo = data.interfaces.find((i) => i.kind === 'loopback');
    expect(lo).toMatchObject({ up: true });
    expect(lo?.addresses).toContainEqual(expect.objectContaining({ address: '127.0.0.1', family: 4 }));
    expect(data.probes).toEqual([]);
    // The agent's budget: ss once, plus iw only where a Wi-Fi interface exists.
    const wifi = data.interfaces.some((i) => i.kind === 'wifi');
    expect(stats.forks).toBeLessThanOrEqual(wifi ? 2 : 1);
  });

  it.skipIf(process.platform !== 'linux')('cycle after cycle (owner memory): a socket opened later gets its pid, one closed leaves', async () => {
    const memory = new Map<string, unknown>(); // the daemon's: kept from cycle to cycle
    const ctx = createContext({ log: pino({ level: 'silent' }), signal: new AbortController().signal, options: { probeAnchors: [], redactCommandLines: false }, memory });
    const listener = (data: Network, port: number) => data.connections.find((c) => c.protocol === 'tcp' && c.localPort === port && c.state === 'LISTEN');
    const first = networkSchema.parse(ok(await collectLinux(ctx)).data);
    const again = networkSchema.parse(ok(await collectLinux(ctx)).data);
    const port = pairs[0]!.server;
    expect(listener(again, port)).toEqual(listener(first, port));
    expect(listener(again, port)).toMatchObject({ pid: process.pid });
    expect(memory.has('network.socketOwners')).toBe(true);

    const late = createServer();
    await new Promise<void>((resolve) => late.listen(0, '127.0.0.1', resolve));
    const latePort = (late.address() as AddressInfo).port;
    const third = networkSchema.parse(ok(await collectLinux(ctx)).data);
    expect(listener(third, latePort)).toMatchObject({ pid: process.pid });
    await new Promise((r) => late.close(r));
    const fourth = networkSchema.parse(ok(await collectLinux(ctx)).data);
    expect(listener(fourth, latePort)).toBeUndefined();
    expect(listener(fourth, port)).toMatchObject({ pid: process.pid });
  });
});

/** A small fake machine: wlp5s0 (Wi-Fi, no iw but iwconfig), usb0 (RNDIS gadget), lo. */
function fakeMachine(over: { files?: Record<string, string>; commands?: Record<string, string | Error> } = {}) {
  const net = '/sys/class/net';
  return fakeContext({
    files: {
      '/proc/net/tcp': fixture('linux', 'proc-net-tcp-jc.txt'),
      '/proc/net/tcp6': fixture('linux', 'proc-net-tcp6-jc.txt'),
      '/proc/net/udp': fixture('linux', 'proc-net-udp-loopback.txt'),
      '/proc/net/route': fixture('linux', 'proc-net-route-vm.txt').replaceAll('eth0', 'wlp5s0'),
      '/proc/net/arp': fixture('linux', 'proc-net-arp-vm.txt').replaceAll('eth0', 'wlp5s0'),
      '/etc/resolv.conf': 'nameserver 127.0.0.53\noptions edns0 trust-ad\n',
      '/run/systemd/resolve/resolv.conf': 'nameserver 192.0.2.1\n',
      [`${net}/wlp5s0/address`]: '3c:84:6a:00:00:01\n', [`${net}/wlp5s0/operstate`]: 'up\n', [`${net}/wlp5s0/flags`]: '0x1003\n',
      [`${net}/wlp5s0/type`]: '1\n', [`${net}/wlp5s0/uevent`]: 'DEVTYPE=wlan\nINTERFACE=wlp5s0\n',
      [`${net}/usb0/address`]: '02:00:00:00:00:02\n', [`${net}/usb0/operstate`]: 'up\n', [`${net}/usb0/flags`]: '0x1003\n', [`${net}/usb0/type`]: '1\n',
      [`${net}/usb0/uevent`]: 'INTERFACE=usb0\n',
      '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/idVendor': '1d6b\n',
      '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/idProduct': '0104\n',
      [`${net}/lo/address`]: '00:00:00:00:00:00\n', [`${net}/lo/operstate`]: 'unknown\n', [`${net}/lo/flags`]: '0x9\n', [`${net}/lo/type`]: '772\n',
      ...over.files,
    },
    dirs: { [net]: ['lo', 'usb0', 'wlp5s0'], [`${net}/wlp5s0/wireless`]: [] },
    links: {
      [`${net}/wlp5s0`]: '../../devices/pci0000:00/0000:00:14.3/net/wlp5s0',
      [`${net}/wlp5s0/phy80211`]: '../../../ieee80211/phy0',
      [`${net}/wlp5s0/device/driver`]: '../../../bus/pci/drivers/iwlwifi',
      [`${net}/usb0`]: '../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/net/usb0',
      [`${net}/usb0/device/driver`]: '../../../../../../bus/usb/drivers/rndis_host',
      [`${net}/lo`]: '../../devices/virtual/net/lo',
    },
    commands: { 'iwconfig wlp5s0': fixture('linux', 'iwconfig-jc-generic.txt'), ...over.commands },
  });
}

const deniedProc: ProcFds = {
  pids: () => ['1', '4242'],
  fds: (pid) => {
    if (pid === '1') throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    return ['3'];
  },
  link: () => 'socket:[149098]',
  name: () => 'anydesk',
};
const addresses = () => ({ wlp5s0: [{ address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: '192.0.2.2/24' }] });

describe('network Linux source on a fake machine', () => {
  it('assembles every part and says what it could not read', async () => {
    const ctx = fakeMachine();
    const r = ok(await collectLinux(ctx, { proc: deniedProc, addresses }));
    const data = networkSchema.parse(r.data);
    expect(data.connections).toHaveLength(27 + 8 + 2);
    expect(data.connections.find((c) => c.localPort === 54352)).toMatchObject({ pid: 4242, process: 'anydesk', state: 'CLOSE_WAIT' });
    expect(data.connections.filter((c) => c.pid !== undefined)).toHaveLength(1);
    expect(data.connections.some((c) => c.rttMs !== undefined)).toBe(false);

    expect(data.interfaces).toEqual([
      { name: 'lo', kind: 'loopback', up: true, addresses: [] },
      { name: 'usb0', kind: 'usb-net', mac: '02:00:00:00:00:02', up: true, addresses: [], driver: 'rndis_host', usb: { vendorId: '1d6b', productId: '0104' } },
      { name: 'wlp5s0', kind: 'wifi', mac: '3c:84:6a:00:00:01', up: true, addresses: [{ address: '192.0.2.2', family: 4, cidr: '192.0.2.2/24' }], driver: 'iwlwifi' },
    ]);
    expect(data.identity).toEqual({
      gateway: { ip: '192.0.2.1', mac: '02:fc:00:00:00:05', interface: 'wlp5s0' },
      neighbors: [{ ip: '192.0.2.1', mac: '02:fc:00:00:00:05', interface: 'wlp5s0', state: 'complete' }],
      wifi: { interface: 'wlp5s0', ssid: 'BLABLABLA', bssid: 'e6:63:da:16:50:bf' },
      dnsServers: ['192.0.2.1'],
    });
    expect(ctx.execCalls).toEqual([[unixTool('ss'), '-tinH'], [unixTool('iw'), 'dev', 'wlp5s0', 'link'], [unixTool('iwconfig'), 'wlp5s0']]);
    const notes = r.notes!.join('\n');
    expect(notes).toContain('/proc/net/udp6 unreadable (command-missing): IPv6 may be disabled');
    expect(notes).toContain('ss (iproute2) not installed');
    expect(notes).toMatch(/1 process\(es\) refused reading their open files \(not root\): \d+ socket\(s\) have no owning pid/);
    expect(notes).toContain('systemd-resolved stub');
    expect(notes).toContain('ip -6 neigh');
  });

  it('uses iw when present and adds RTT from ss', async () => {
    const tcp = fixture('linux', 'proc-net-tcp-loopback.txt');
    const ctx = fakeMachine({
      files: { '/proc/net/tcp': tcp, '/proc/net/tcp6': fixture('linux', 'proc-net-tcp6-loopback.txt') },
      commands: { 'ss -tinH': fixture('linux', 'ss-tinH-loopback.txt'), 'iw dev wlp5s0 link': fixture('linux', 'iw-dev-link-connected.txt') },
    });
    const r = ok(await collectLinux(ctx, { proc: deniedProc, addresses }));
    expect(r.data.identity.wifi).toEqual({ interface: 'wlp5s0', ssid: 'Café Wi-Fi', bssid: '3c:84:6a:12:ab:cd' });
    expect(r.data.connections.filter((c) => c.rttMs !== undefined)).toHaveLength(4);
    expect(ctx.execCalls).toEqual([[unixTool('ss'), '-tinH'], [unixTool('iw'), 'dev', 'wlp5s0', 'link']]);
  });

  it('no iw, no iwconfig: association from /proc/net/wireless, SSID/BSSID null with the reason', async () => {
    const ctx = fakeMachine({
      files: { '/proc/net/wireless': 'Inter-| sta-|   Quality\n face | tus | link level noise\nwlp5s0: 0000   58.  -52.  -256        0      0      0      0   1766        0\n' },
      commands: { 'iwconfig wlp5s0': Object.assign(new Error('spawn iwconfig ENOENT'), { code: 'ENOENT' }) },
    });
    const r = ok(await collectLinux(ctx, { proc: deniedProc, addresses }));
    expect(r.data.identity.wifi).toEqual({
      interface: 'wlp5s0', ssid: null, bssid: null,
      unavailableReason: 'iw and iwconfig not installed; /proc/net/wireless shows link quality 58 (associated)',
    });
  });

  it('no Wi-Fi interface → wifi null and no wireless tool run; no connected TCP → no ss', async () => {
    const ctx = fakeMachine({ files: { '/proc/net/tcp': fixture('linux', 'proc-net-tcp-jc.txt').split('\n').slice(0, 3).join('\n'), '/proc/net/tcp6': '' } });
    const r = ok(await collectLinux(ctx, { proc: deniedProc, addresses }));
    expect(r.data.identity.wifi).not.toBeNull();
    const noWifi = fakeMachine({ files: { '/proc/net/tcp': fixture('linux', 'proc-net-tcp-jc.txt').split('\n').slice(0, 3).join('\n'), '/proc/net/tcp6': '' } });
    (noWifi as unknown as { readDir: (p: string) => Promise<string[]> }).readDir = async (p) => {
      if (p === '/sys/class/net') return ['lo', 'usb0'];
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    const r2 = ok(await collectLinux(noWifi, { proc: deniedProc, addresses }));
    expect(r2.data.identity.wifi).toBeNull();
    expect(noWifi.execCalls).toEqual([]);
  });

  it('probes only the configured anchors', async () => {
    const ctx = fakeMachine();
    const withAnchor = { ...ctx, options: { probeAnchors: [{ host: '127.0.0.1', port: 1 }], redactCommandLines: false } };
    const r = ok(await collectLinux(withAnchor, { proc: deniedProc, addresses }));
    expect(r.data.probes).toEqual([{ host: '127.0.0.1', port: 1, rttMs: null, error: 'ECONNREFUSED' }]);
  });

  it('no /proc/net table readable → an error result, not empty lists', async () => {
    const ctx = fakeContext({});
    const r = await collectLinux(ctx, { proc: deniedProc, addresses });
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
    expect((r as { message: string }).message).toContain('no /proc/net socket table readable');
  });
});
