import { describe, expect, it } from 'vitest';
import { parseIwLink, unescapeIwSsid } from '../../../collectors/network/parse-iw.js';
import { parseIwconfig, parseProcWireless } from '../../../collectors/network/parse-iwconfig.js';
import { fixture } from '../../helpers/fake-context.js';

describe('parseIwLink', () => {
  it('reads BSSID and SSID (UTF-8 escaped by iw) of an associated link', () => {
    expect(parseIwLink(fixture('linux', 'iw-dev-link-connected.txt'))).toEqual({
      associated: true, bssid: '3c:84:6a:12:ab:cd', ssid: 'Café Wi-Fi',
    });
  });

  it('"Not connected." is not associated; an error message is not a link', () => {
    expect(parseIwLink(fixture('linux', 'iw-dev-link-not-connected.txt'))).toEqual({ associated: false, ssid: null, bssid: null });
    expect(parseIwLink('command failed: No such device (-19)\n')).toBeUndefined();
    expect(parseIwLink('')).toBeUndefined();
  });

  it('unescapes \\xNN and keeps the rest', () => {
    expect(unescapeIwSsid('a\\x5cb\\x20')).toBe('a\\b ');
    expect(unescapeIwSsid('\\xed\\x95\\x9c')).toBe('한');
  });
});

describe('parseIwconfig', () => {
  it('reads the jc capture: associated, ESSID and Access Point', () => {
    expect(parseIwconfig(fixture('linux', 'iwconfig-jc-generic.txt'), 'wlp5s0')).toEqual({
      associated: true, ssid: 'BLABLABLA', bssid: 'e6:63:da:16:50:bf',
    });
  });

  it('another interface is not in the text; not associated has no SSID', () => {
    expect(parseIwconfig(fixture('linux', 'iwconfig-jc-generic.txt'), 'wlan0')).toBeUndefined();
    const off = 'wlan0     IEEE 802.11  ESSID:off/any  \n          Mode:Managed  Access Point: Not-Associated   Tx-Power=22 dBm\n';
    expect(parseIwconfig(off, 'wlan0')).toEqual({ associated: false, ssid: null, bssid: null });
    expect(parseIwconfig('eth0      no wireless extensions.\n', 'eth0')).toBeUndefined();
  });
});

describe('parseProcWireless', () => {
  it('reads link quality per interface', () => {
    const text = [
      'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE',
      ' face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22',
      'wlp5s0: 0000   58.  -52.  -256        0      0      0      0   1766        0',
    ].join('\n');
    expect([...parseProcWireless(text)]).toEqual([['wlp5s0', { linkQuality: 58 }]]);
  });
});
