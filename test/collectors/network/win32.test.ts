import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/network/win32.js';
import { parseNetshWlan } from '../../../collectors/network/parse-netsh-wlan.js';
import { parseNetstatWin } from '../../../collectors/network/parse-netstat-win.js';
import { adapterKind, normaliseMac } from '../../../collectors/network/parse-win-network.js';
import { powershell } from '../../../collectors/win32/inventory.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

describe('parseNetstatWin on real netstat output (jc, Windows 10)', () => {
  const text = fixture('win32', 'netstat-ano-jc-win10.txt');
  const { sockets, skipped, unknownStates } = parseNetstatWin(text);

  it('reads every TCP and UDP row, v4 and v6, with its pid', () => {
    const rows = text.split('\r\n').filter((l) => /^\s+(TCP|UDP)\s/.test(l));
    expect(text.includes('\r\n')).toBe(true);
    expect(sockets).toHaveLength(rows.length);
    expect(skipped).toBe(0);
    expect(unknownStates).toEqual([]);
    expect(sockets[0]).toEqual({ protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 135, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1712 });
    expect(sockets.find((s) => s.family === 6 && s.localPort === 135)).toMatchObject({ localAddress: '::', state: 'LISTEN', pid: 1712 });
    expect(sockets.find((s) => s.protocol === 'udp' && s.localPort === 53)).toMatchObject({ remoteAddress: '0.0.0.0', remotePort: 0, state: 'UNCONN', pid: 4808 });
    expect(sockets.filter((s) => s.state === 'ESTABLISHED' && s.protocol === 'tcp').length).toBe(32);
  });

  it('netstat -an (no PID column) gives the same sockets without pids', () => {
    const an = parseNetstatWin(fixture('win32', 'netstat-an-jc-win10.txt'));
    expect(an.sockets.length).toBeGreaterThan(100);
    expect(an.sockets.every((s) => s.pid === undefined)).toBe(true);
  });

  it('keeps localised states, counts garbage rows, drops zone ids', () => {
    const odd = parseNetstatWin('  TCP    10.0.0.2:5000   10.0.0.9:443   HERGESTELLT   77\r\n  TCP    garbage\r\n  UDP    [fe80::1%12]:546   *:*   900\r\n');
    expect(odd.sockets.map((s) => s.state)).toEqual(['HERGESTELLT', 'UNCONN']);
    expect(odd.unknownStates).toEqual(['HERGESTELLT']);
    expect(odd.skipped).toBe(1);
    expect(odd.sockets[1]!.localAddress).toBe('fe80::1');
  });
});

describe('parseNetshWlan', () => {
  it('reads the real WlanHelper capture', () => {
    const r = parseNetshWlan(fixture('win32', 'netsh-wlan-show-interfaces-wlanhelper.txt'));
    expect(r.interfaces).toHaveLength(1);
    expect(r.interfaces[0]!.wifi).toEqual({ interface: 'Wi-Fi', ssid: 'LUO-PC_Network', bssid: 'd8:15:0d:72:8c:18' });
  });

  it('Windows 11 24H2 without location permission: null SSID/BSSID with the reason, never empty strings', () => {
    const refused = parseNetshWlan('Network shell commands need location permission to access WLAN information. Turn on Location services on the Location page in Privacy & security settings.\r\n');
    expect(refused.refused).toMatch(/location permission/);
    const withheld = parseNetshWlan('    Name                   : Wi-Fi\r\n    State                  : connected\r\n    BSSID                  : 00:00:00:00:00:00\r\n');
    expect(withheld.interfaces[0]!.wifi).toMatchObject({ ssid: null, bssid: null, unavailableReason: expect.stringMatching(/location/) });
  });

  it('a disconnected interface is not associated', () => {
    const r = parseNetshWlan('There is 1 interface on the system:\r\n\r\n    Name                   : Wi-Fi\r\n    State                  : disconnected\r\n');
    expect(r.interfaces).toEqual([{ name: 'Wi-Fi', state: 'disconnected', wifi: null }]);
  });
});

describe('adapter kinds and MACs', () => {
  it('classifies by ifType, medium, driver and PnP id', () => {
    expect(adapterKind({ ifType: 71 })).toBe('wifi');
    expect(adapterKind({ ifType: 6, description: 'TAP-Windows Adapter V9' })).toBe('tunnel');
    expect(adapterKind({ ifType: 53 })).toBe('tunnel');
    expect(adapterKind({ ifType: 6, pnpId: 'USB\\VID_0B95&PID_1790\\000001' })).toBe('usb-net');
    expect(adapterKind({ ifType: 6, virtual: true })).toBe('virtual');
    expect(adapterKind({ ifType: 6, pnpId: 'PCI\\VEN_8086&DEV_15F3' })).toBe('ethernet');
    expect(adapterKind({ ifType: 243 })).toBe('cellular');
  });
  it('normalises both MAC spellings and drops zero', () => {
    expect(normaliseMac('A4DB30D93A9A')).toBe('a4:db:30:d9:3a:9a');
    expect(normaliseMac('A4-DB-30-D9-3A-9A')).toBe('a4:db:30:d9:3a:9a');
    expect(normaliseMac('00-00-00-00-00-00')).toBeUndefined();
    expect(normaliseMac(null)).toBeUndefined();
  });
});

describe('network win32 source on the inventory fixture', () => {
  it('joins sockets to process names, finds gateway MAC, neighbours, DNS, Wi-Fi and the USB network gadget', async () => {
    const r = await collect(fakeContext({ commands: { [powershell]: fixture('win32', 'inventory-laptop-ipkvm.json') } }));
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    const n = r.data;
    expect(n.connections.find((s) => s.localPort === 443 && s.state === 'LISTEN')).toMatchObject({ pid: 9396, process: 'AnyDesk.exe' });
    expect(n.identity.gateway).toEqual({ ip: '192.168.1.1', mac: 'f0:9f:c2:11:22:33', interface: 'Wi-Fi' });
    expect(n.identity.neighbors.map((x) => x.ip)).toEqual(['192.168.1.1', '192.168.1.40']);
    expect(n.identity.dnsServers).toEqual(['192.168.1.1']);
    expect(n.identity.wifi).toMatchObject({ ssid: 'LUO-PC_Network', bssid: 'd8:15:0d:72:8c:18' });
    expect(n.interfaces.map((i) => [i.name, i.kind])).toEqual([
      ['Wi-Fi', 'wifi'], ['Ethernet 3', 'usb-net'], ['vEthernet (Default Switch)', 'virtual'], ['Astrill', 'tunnel'],
    ]);
    expect(n.interfaces[1]!.usb).toEqual({ vendorId: '1d6b', productId: '0104' });
    expect(n.interfaces[0]!.addresses[0]).toEqual({ address: '192.168.1.23', family: 4, cidr: '192.168.1.23/24' });
    expect(r.notes).toContain('1 hidden adapters (WAN miniports, debug) left out');
  });

  it('says RTT was not measured while the session-peer probe is off (the default), and not when the policy switched it on', async () => {
    const off = await collect(fakeContext({ commands: { [powershell]: fixture('win32', 'inventory-laptop-ipkvm.json') } }));
    expect(off.status === 'ok' && off.notes).toContain('RTT not measured: rttMs of remote-control sessions needs the session-peer probe, off by default (device policy sessionRttProbe)');
    const on = await collect(fakeContext({ options: { sessionRttProbe: true }, commands: { [powershell]: fixture('win32', 'inventory-laptop-ipkvm.json') } }));
    expect(on.status === 'ok' && on.notes?.some((n) => n.startsWith('RTT not measured'))).toBe(false);
  });

  it('a failed netstat section is an error of the domain', async () => {
    const doc = JSON.parse(fixture('win32', 'inventory-laptop-ipkvm.json'));
    doc.netstat = { error: 'netstat.exe is not installed (command-missing)' };
    const r = await collect(fakeContext({ commands: { [powershell]: JSON.stringify(doc) } }));
    expect(r).toMatchObject({ status: 'error', code: 'command-missing' });
  });
});
