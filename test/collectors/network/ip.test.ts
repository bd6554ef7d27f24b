import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp, formatIpv6, ipv4FromProcHex, ipv6FromNetworkHex, ipv6FromProcHex } from '../../../collectors/network/ip.js';

describe('address helpers', () => {
  it('decodes /proc/net IPv4 hex in host byte order', () => {
    expect(ipv4FromProcHex('0100007F')).toBe('127.0.0.1');
    expect(ipv4FromProcHex('802AA8C0')).toBe('192.168.42.128');
    expect(ipv4FromProcHex('0100007')).toBeUndefined();
    expect(ipv4FromProcHex('zz00007F')).toBeUndefined();
  });

  it('decodes /proc/net IPv6 hex as four little-endian words', () => {
    expect(ipv6FromProcHex('00000000000000000000000001000000')).toBe('::1');
    expect(ipv6FromProcHex('4606012600F1019E000000004C3A0000')).toBe('2601:646:9e01:f100::3a4c');
    expect(ipv6FromProcHex('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(ipv6FromProcHex('00000000000000000000000001')).toBeUndefined();
  });

  it('decodes /proc/net/ipv6_route hex in network order', () => {
    expect(ipv6FromNetworkHex('fd000000000000000000000000000001')).toBe('fd00::1');
    expect(ipv6FromNetworkHex('fe8000000000000000fc00fffe000001')).toBe('fe80::fc:ff:fe00:1');
  });

  it('formats like inet_ntop: a lone zero group is not compressed, the first longest run is', () => {
    expect(formatIpv6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6([0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('2001:0:0:1::1');
    expect(formatIpv6(Array(16).fill(0))).toBe('::');
  });

  it('canonicalises what ss prints (zone ids dropped, long forms shortened)', () => {
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('127.0.0.53%lo')).toBe('127.0.0.53');
    expect(canonicalIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalIp('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(canonicalIp('*')).toBeUndefined();
    expect(canonicalIp('1:2:3')).toBeUndefined();
    expect(canonicalIp('1::2::3')).toBeUndefined();
  });

  it('canonicalIp is the identity on formatIpv6 output, for any 16 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIpv6(bytes);
        expect(canonicalIp(text)).toBe(text);
      }),
    );
  });
});
