import { describe, expect, it } from 'vitest';
import { parseNetshWlan } from '../../../collectors/network/parse-netsh-wlan.js';
import { parseNetstatWin } from '../../../collectors/network/parse-netstat-win.js';
import { parseQuser, sessionsFromQuser } from '../../../collectors/sessions/parse-quser.js';
import { fixture } from '../../helpers/fake-context.js';

/** Real output of the native tools the inventory script runs, from public repositories (test/fixtures/win32/SOURCES.md). */
const socketLines = (text: string) => text.split(/\r?\n/).filter((l) => /^\s+(TCP|UDP)\s/.test(l));

describe('netstat on real Windows 10 output', () => {
  it('-aonb: the [exe], service and "Can not obtain ownership information" lines between rows are not sockets', () => {
    const text = fixture('win32', 'netstat-aonb-jc-win10.txt');
    const { sockets, skipped } = parseNetstatWin(text);
    expect(socketLines(text)).toHaveLength(318);
    expect(sockets).toHaveLength(318);
    expect(skipped).toBe(0);
    expect(sockets.every((s) => Number.isInteger(s.pid))).toBe(true);
    expect(sockets[0]).toEqual({ protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 135, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1712 });
    expect(sockets.filter((s) => s.protocol === 'udp')).toHaveLength(204);
  });
  it('IPv6 link-local rows with a zone id keep address and port, the zone is dropped', () => {
    const { sockets } = parseNetstatWin(fixture('win32', 'netstat-aonb-jc-win10.txt'));
    const zoned = sockets.filter((s) => s.localAddress.startsWith('fe80:'));
    expect(zoned).toHaveLength(24);
    expect(zoned[0]).toMatchObject({ protocol: 'udp', family: 6, localAddress: 'fe80::244e:2f1e:2096:62b2', localPort: 1900, pid: 8844 });
  });
  it('-ano (what the script runs): every row, each with a pid', () => {
    const text = fixture('win32', 'netstat-ano-jc-win10.txt');
    const { sockets, skipped } = parseNetstatWin(text);
    expect(sockets).toHaveLength(socketLines(text).length);
    expect(skipped).toBe(0);
    expect(sockets.every((s) => Number.isInteger(s.pid))).toBe(true);
  });
});

describe('quser on real output', () => {
  it('the console user alone (header without its leading space)', () => {
    const { rows, skipped } = parseQuser(fixture('win32', 'quser-console-quserobject.txt'));
    expect(skipped).toBe(0);
    expect(rows).toEqual([{ user: 'jdoe-user1', sessionName: 'console', id: 1, state: 'Active', idle: 'none', logon: '7/13/2018 11:26 AM', current: true }]);
  });
  it('a server with two disconnected sessions, one RDP and the console', () => {
    const { rows, skipped } = parseQuser(fixture('win32', 'quser-four-users-quserobject.txt'));
    expect(skipped).toBe(0);
    expect(rows.map((r) => [r.user, r.sessionName, r.id, r.state, r.idle, r.current])).toEqual([
      ['admin.xxxxxxxx', undefined, 2, 'Disc', '15+15:12', false],
      ['admin.xxxxx', 'rdp-tcp#54', 3, 'Active', '1:39', false],
      ['xxxxxxxx', undefined, 4, 'Disc', '6+04:10', false],
      ['jdoe-user1', 'console', 5, 'Active', '.', true],
    ]);
    expect(sessionsFromQuser(rows).map((s) => s.type)).toEqual(['other', 'rdp', 'other', 'console']);
  });
  it('a Spanish Windows: localised header and states, the rows still read', () => {
    const { rows, skipped } = parseQuser(fixture('win32', 'quser-es-ec-quserobject.txt'));
    expect(skipped).toBe(0);
    expect(rows.map((r) => [r.user, r.sessionName, r.id, r.state, r.idle])).toEqual([
      ['user-b3', 'console', 1, 'Activo', 'ninguno'], ['otro00', undefined, 2, 'Desc', '2'],
    ]);
    expect(sessionsFromQuser(rows).map((s) => s.type)).toEqual(['console', 'other']);
  });
});

describe('netsh wlan show interfaces on real Windows 11 output', () => {
  it.each([
    ['netsh-wlan-show-interfaces-wifi-diag-5ghz.txt', '78:67:0e:00:00:02'],
    ['netsh-wlan-show-interfaces-wifi-diag-2ghz.txt', '78:67:0e:00:00:03'],
  ])('%s: the Windows 11 "AP BSSID" key gives the BSSID', (name, bssid) => {
    expect(parseNetshWlan(fixture('win32', name))).toEqual({
      interfaces: [{ name: 'Wi-Fi', state: 'connected', wifi: { interface: 'Wi-Fi', ssid: 'HomeAP', bssid } }],
    });
  });
});
