import { readFileSync } from 'node:fs';
import { Reader } from 'maxmind';
import { beforeAll, describe, expect, it } from 'vitest';
import { neighborDevices, rareTool, remoteToolsOf, rttVector, sharedFingerprint, similarRtts } from '../../../rules/fleet/index.js';
import {
  countryDistanceKm,
  countryMismatch,
  countryZones,
  hostingAsns,
  hostingNetwork,
  impossibleTravel,
  timezoneMismatch,
  type SourceFacts,
} from '../../../rules/geo/index.js';
import { bundledDatabases, openGeo, type Geo } from '../../../server/geo/open.js';

// Real public addresses; what the SHIPPED database says about them is read in the setup and asserted.
const addresses = { google: '8.8.8.8', cloudflare: '1.1.1.1', kr: '211.234.10.10', de: '5.9.0.1', deV6: '2a01:4f8::1' };
const documentation = ['192.0.2.10', '198.51.100.7', '203.0.113.200', '2001:db8::1'];

let geo: Geo;
let shipped: Record<string, string | undefined>;
const facts = (ip: string, skipped = false): SourceFacts => ({ ...geo.lookup(ip), sourceIp: ip, skipped });

beforeAll(() => {
  const opened = openGeo({ enabled: true });
  if (!opened) throw new Error('bundled geolocation databases missing');
  geo = opened;
  const reader = new Reader(readFileSync(bundledDatabases().country as string));
  shipped = Object.fromEntries(Object.entries(addresses).map(([k, ip]) => [k, (reader.get(ip) as { country_code?: string } | null)?.country_code]));
});

describe('server geolocation on the shipped databases', () => {
  it('states the country the shipped database states, and the ASN of the shipped ASN table', () => {
    expect(shipped).toMatchObject({ google: 'US', kr: 'KR', de: 'DE', deV6: 'DE' });
    for (const [k, ip] of Object.entries(addresses)) expect(geo.lookup(ip).country).toBe(shipped[k]);
    expect(geo.lookup(addresses.google)).toMatchObject({ asn: 15169 });
    expect(geo.lookup(addresses.cloudflare)).toMatchObject({ asn: 13335 });
    expect(geo.lookup(addresses.de)).toMatchObject({ asn: 24940, asOrg: 'Hetzner Online GmbH' });
    expect(geo.lookup(addresses.deV6)).toMatchObject({ asn: 24940 });
  });

  it('gives documentation, private and CGNAT addresses no country and no ASN (the raw data maps 2001:db8::1 to a country)', () => {
    for (const ip of [...documentation, '10.1.2.3', '100.64.1.1', '127.0.0.1', 'fe80::1']) expect(geo.lookup(ip)).toEqual({});
    for (const ip of documentation) {
      const f = facts(ip);
      expect(countryMismatch(f, ['US'])).toBeNull();
      expect(hostingNetwork(f, hostingAsns())).toBeNull();
      expect(timezoneMismatch(f, 'Asia/Seoul', countryZones())).toBeNull();
      expect(impossibleTravel({ country: 'US', atMs: 0 }, f, 60_000, { maxSpeedKmh: 1000, slackKm: 300 }, countryZones())).toBeNull();
    }
  });
});

describe('geo rules', () => {
  it('geo.country-mismatch: a KR source against expected US; nothing for US, for a skipped source, or without expected countries', () => {
    const hit = countryMismatch(facts(addresses.kr), ['us']);
    expect(hit).toMatchObject({ rule: 'geo.country-mismatch', severity: 'high', subject: 'KR', evidence: { country: 'KR', expected: ['US'] } });
    expect(countryMismatch(facts(addresses.google), ['US'])).toBeNull();
    expect(countryMismatch(facts(addresses.kr, true), ['US'])).toBeNull();
    expect(countryMismatch(facts(addresses.kr), [])).toBeNull();
  });

  it('geo.hosting-network: Hetzner and Cloudflare are listed, a Korean ISP is not; operators add ASNs', () => {
    expect(hostingNetwork(facts(addresses.de), hostingAsns())).toMatchObject({ rule: 'geo.hosting-network', subject: 'AS24940', evidence: { kind: 'hosting' } });
    expect(hostingNetwork(facts(addresses.cloudflare), hostingAsns())?.evidence).toMatchObject({ asn: 13335, kind: 'vpn' });
    const kr = facts(addresses.kr);
    expect(hostingNetwork(kr, hostingAsns())).toBeNull();
    expect(hostingNetwork(kr, hostingAsns(), [kr.asn as number])?.evidence).toMatchObject({ listSource: 'server config geo.hostingAsns' });
  });

  it('geo.timezone-mismatch: New York time from a Korean address; Seoul time does not fire; link names resolve', () => {
    const table = countryZones();
    expect(timezoneMismatch(facts(addresses.kr), 'America/New_York', table)?.evidence).toMatchObject({ country: 'KR', timezoneCountries: ['US'] });
    expect(timezoneMismatch(facts(addresses.kr), 'Asia/Seoul', table)).toBeNull();
    expect(timezoneMismatch(facts(addresses.google), 'US/Eastern', table)).toBeNull();
    expect(timezoneMismatch(facts(addresses.kr), 'ROK', table)).toBeNull(); // tzdata link to Asia/Seoul
    expect(timezoneMismatch(facts(addresses.kr), 'UTC', table)).toBeNull();
  });

  it('geo.impossible-travel: US then KR ten minutes later fires; twenty hours later does not (country level)', () => {
    const table = countryZones();
    const policy = { maxSpeedKmh: 1000, slackKm: 300 };
    const km = countryDistanceKm('US', 'KR', table) as number;
    expect(km).toBeGreaterThan(4000); // the nearest US principal city to Seoul is in Alaska: a lower bound, so fair
    const hit = impossibleTravel({ country: 'US', atMs: 0 }, facts(addresses.kr), 10 * 60_000, policy, table);
    expect(hit?.evidence).toMatchObject({ from: 'US', to: 'KR', distanceKm: km, minutes: 10, precision: 'country' });
    expect(impossibleTravel({ country: 'US', atMs: 0 }, facts(addresses.kr), 20 * 3_600_000, policy, table)).toBeNull();
    expect(impossibleTravel({ country: 'KR', atMs: 0 }, facts(addresses.kr), 60_000, policy, table)).toBeNull();
  });
});

describe('fleet rules', () => {
  it('fleet.rare-tool: rarer scores higher; a tool at or above the threshold, or a small fleet, gives nothing', () => {
    const policy = { maxPercent: 1, minFleetDevices: 20 };
    const one = rareTool('rustdesk', 1, 1000, policy);
    const five = rareTool('rustdesk', 5, 1000, policy);
    expect(one?.confidence).toBeGreaterThan(five?.confidence ?? 1);
    expect(rareTool('teamviewer', 10, 1000, policy)).toBeNull();
    expect(rareTool('teamviewer', 900, 1000, policy)).toBeNull();
    expect(rareTool('rustdesk', 1, 10, policy)).toBeNull();
    expect(remoteToolsOf([
      { rule: 'remote-access.running', subject: 'anydesk' },
      { rule: 'remote-access.installed', subject: 'anydesk' },
      { rule: 'remote-access.running', subject: 'teamviewer', suppressed: true },
      { rule: 'locale.timezone', subject: 'Asia/Seoul' },
    ])).toEqual(['anydesk']);
  });

  it('fleet.shared-fingerprint: similar within 5 ms or 20 %, at least one common anchor', () => {
    const a = rttVector([{ host: 'fw.example', port: 443, rttMs: 21 }, { host: 'dns', port: 53, rttMs: 180 }, { host: 'x', port: 1, rttMs: null, error: 'timeout' }]);
    expect(a).toEqual({ 'fw.example:443': 21, 'dns:53': 180 });
    expect(similarRtts(a, { 'fw.example:443': 24, 'dns:53': 200 })).toBe(true);
    expect(similarRtts(a, { 'fw.example:443': 40 })).toBe(false);
    expect(similarRtts(a, { 'other:1': 21 })).toBe(false);
    const hit = sharedFingerprint({ deviceId: 'b', rtts: a }, [{ deviceId: 'a', rtts: { 'fw.example:443': 22 } }, { deviceId: 'c', rtts: { 'fw.example:443': 90 } }, { deviceId: 'b', rtts: a }]);
    expect(hit?.deviceIds).toEqual(['a', 'b']);
    expect(sharedFingerprint({ deviceId: 'b', rtts: a }, [{ deviceId: 'b', rtts: a }])).toBeNull();
  });

  it('fleet.neighbor-devices: another device\'s own MAC in my neighbour table; my own MAC is not a neighbour', () => {
    const owners = new Map([['m1', 'lap-1'], ['m2', 'lap-2'], ['m3', 'me']]);
    expect(neighborDevices('me', ['m1', 'm3', 'unknown'], owners)?.deviceIds).toEqual(['lap-1', 'me']);
    expect(neighborDevices('me', ['m3', 'unknown'], owners)).toBeNull();
  });
});
