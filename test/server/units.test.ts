import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCluster, decideSilent, isSilent, membersChanged, placesOf } from '../../rules/fleet/index.js';
import { exceedsDepth } from '../../server/body.js';
import { parseServerConfig } from '../../server/config.js';
import { networkMatcher } from '../../server/context.js';

function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depthOf));
}

describe('exceedsDepth', () => {
  it('agrees with the depth of the parsed value, strings with brackets and escapes included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, limit) => {
        expect(exceedsDepth(JSON.stringify(value), limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 500 },
    );
    expect(exceedsDepth('{"a":"[[[[\\"[[[["}', 1)).toBe(false);
    expect(exceedsDepth('[[["\\\\"]]]', 2)).toBe(true); // an escaped backslash ends before the closing quote
    expect(exceedsDepth('{"a":"[[[[', 1)).toBe(false); // unterminated: left to JSON.parse to refuse
  });
});

describe('fleet rules (pure)', () => {
  it('places: the source address unless an office, plus gateway and Wi-Fi hashes', () => {
    expect(placesOf({ sourceIp: '203.0.113.9', sourceIsOffice: false, gatewayMac: 'g', wifiBssid: 'w' }).map((p) => p.kind)).toEqual(['ip', 'gateway', 'wifi']);
    expect(placesOf({ sourceIp: '203.0.113.9', sourceIsOffice: true })).toEqual([]);
  });

  it('a cluster needs minDevices distinct members and keeps earlier members', () => {
    const place = { kind: 'ip' as const, value: '198.51.100.7' };
    const policy = { minDevices: 3, windowHours: 24 };
    expect(decideCluster(place, ['a', 'b', 'b'], policy)).toBeNull();
    expect(decideCluster(place, ['c', 'a', 'b'], policy)?.deviceIds).toEqual(['a', 'b', 'c']);
    expect(decideCluster(place, ['b', 'c', 'd'], policy, ['a', 'b', 'c'])?.deviceIds).toEqual(['a', 'b', 'c', 'd']);
    expect(membersChanged(['a', 'b', 'c'], ['a', 'b', 'c'])).toBe(false);
    expect(membersChanged(['a', 'b', 'c'], ['a', 'b', 'c', 'd'])).toBe(true);
  });

  it('silence only past nextReportBy + grace; a device with no promise is never silent', () => {
    const now = new Date('2025-03-10T12:00:00Z');
    expect(isSilent('2025-03-07T11:00:00Z', now, 72)).toBe(true);
    expect(isSilent('2025-03-07T13:00:00Z', now, 72)).toBe(false);
    expect(isSilent(null, now, 72)).toBe(false);
    expect(decideSilent([{ deviceId: 'x', nextReportBy: '2025-03-01T00:00:00Z', lastSeen: null }], now, 72)[0]?.evidence).toMatchObject({ lateHours: 228 });
  });
});

describe('server config', () => {
  it('has the documented defaults and names a bad key', () => {
    const c = parseServerConfig({});
    expect(c).toMatchObject({ port: 8787, db: './farmwatch.db', silentGraceHours: 72, retentionDays: 90, colocation: { minDevices: 3, windowHours: 24 }, forwarders: [] });
    expect(() => parseServerConfig({ officeNetworks: ['10.0.0.0/33'] }, 'srv.json')).toThrow(/srv.json: officeNetworks.0: an IP address or CIDR/);
    expect(() => parseServerConfig({ prot: 1 }, 'srv.json')).toThrow(/unknown key "prot"; allowed at the top level: host, port, .*adminToken/);
    // The server's own keys, not the agent's.
    expect(() => parseServerConfig({ prot: 1 }, 'srv.json')).not.toThrow(/intervalSec/);
    expect(() => parseServerConfig({ adminToken: 'short' }, 'srv.json')).toThrow(/adminToken: at least 16 characters/);
    expect(() => parseServerConfig({ tls: { cert: 'c', key: 'k', requireClientCert: true } }, 'srv.json')).toThrow(/tls.ca: requireClientCert needs tls.ca/);
  });

  it('matches office networks for IPv4, IPv4-mapped IPv6 and IPv6', () => {
    const office = networkMatcher(['127.0.0.0/8', '2001:db8::/32']);
    expect(office('127.0.0.1')).toBe(true);
    expect(office('::ffff:127.0.0.1')).toBe(true);
    expect(office('2001:db8::1')).toBe(true);
    expect(office('192.0.2.1')).toBe(false);
    expect(office('not an ip')).toBe(false);
  });
});
