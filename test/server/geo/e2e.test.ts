import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../agent/config.js';
import { createServer } from '../../../server/app.js';
import { parseServerConfig } from '../../../server/config.js';
import { cleanup, enroll, getJson, makeReport, postReport, secrets, startServer, type Running } from '../helpers.js';

// Sources simulated through X-Forwarded-For from a trusted proxy (127.0.0.1), looked up in the shipped databases.
const US = '8.8.8.8';
const KR = '211.234.10.10';
const DE_HETZNER = '5.9.0.1';
const xff = (ip: string) => ({ 'x-forwarded-for': ip });
const hmac = (key: string, mac: string) => createHmac('sha256', Buffer.from(key, 'base64url')).update(mac).digest('hex');

type AlertBody = { rule: string; deviceIds: string[]; severity: string; evidence: Record<string, any>; summary: string };

describe('geolocation end to end: a real server, the shipped databases, reports from different countries and networks', () => {
  let s: Running;
  const tokens: Record<string, string> = {};
  let fleetKey = '';
  beforeAll(async () => {
    s = await startServer({
      trustedProxies: ['127.0.0.1'],
      expected: { countries: ['US'] },
      rareTool: { maxPercent: 30, minFleetDevices: 4 },
      colocation: { minDevices: 10 },
    });
    for (const id of ['home-us', 'farm-a', 'farm-b', 'office-1', 'office-2']) {
      const e = await enroll(s.url, id);
      tokens[id] = e.token;
      fleetKey = e.fleetKey;
    }
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });
  const alerts = async (): Promise<AlertBody[]> => (await getJson(s.url, '/api/v1/alerts')).body.alerts;
  const post = async (id: string, ip: string, overrides: Record<string, unknown> = {}, at?: Date) =>
    expect((await postReport(s.url, tokens[id] as string, makeReport(id, overrides, at ?? s.clock.now), xff(ip))).status).toBe(202);

  it('a US home report in New York time produces no geo finding and shows country and ASN on the device', async () => {
    await post('home-us', US, { identity: { timezone: 'America/New_York' } });
    const detail = (await getJson(s.url, '/api/v1/devices/home-us')).body;
    expect(detail.source).toEqual({ country: 'US', asn: 15169, asOrg: 'Google LLC' });
    expect(detail.serverFindings.filter((f: { rule: string }) => f.rule.startsWith('geo.'))).toEqual([]);
  });

  it('the same laptop from Korea ten minutes later: country mismatch, time zone mismatch and impossible travel', async () => {
    s.clock.now = new Date(s.clock.now.getTime() + 10 * 60_000);
    await post('home-us', KR, { identity: { timezone: 'America/New_York' } });
    const detail = (await getJson(s.url, '/api/v1/devices/home-us')).body;
    expect(detail.source.country).toBe('KR');
    const rules = detail.serverFindings.map((f: { rule: string }) => f.rule).sort();
    expect(rules).toEqual(['geo.country-mismatch', 'geo.impossible-travel', 'geo.timezone-mismatch']);
    const mine = (await alerts()).filter((a) => a.deviceIds.includes('home-us'));
    expect(mine.map((a) => a.rule).sort()).toEqual(rules);
    expect(mine.find((a) => a.rule === 'geo.impossible-travel')?.evidence).toMatchObject({ from: 'US', to: 'KR', source: { country: 'KR', ip: KR } });
    // One alert per (device, rule), updated: a second Korean report does not add alerts.
    await post('home-us', KR, { identity: { timezone: 'America/New_York' } });
    expect((await alerts()).filter((a) => a.deviceIds.includes('home-us'))).toHaveLength(3);
  });

  it('a farm: Hetzner egress, a rare AnyDesk, one gateway+BSSID with equal RTTs, and each other in the neighbour table', async () => {
    const gatewayMac = hmac(fleetKey, 'aa:bb:cc:00:00:01');
    const wifiBssid = hmac(fleetKey, 'aa:bb:cc:00:00:02');
    const own = { 'farm-a': hmac(fleetKey, '02:00:00:00:00:0a'), 'farm-b': hmac(fleetKey, '02:00:00:00:00:0b') };
    const anydesk = { rule: 'remote-access.running', title: 'AnyDesk is running', severity: 'high', confidence: 0.9, evidence: {}, subject: 'anydesk' };
    const report = (id: 'farm-a' | 'farm-b', rtt: number, neighbour: string) => ({
      findings: [anydesk],
      identity: { timezone: 'America/Chicago', gatewayMac, wifiBssid, selfMacs: [own[id]], neighborMacs: [neighbour] },
      snapshot: { schemaVersion: 1, network: { probes: [{ host: 'farmwatch.example', port: 443, rttMs: rtt }] } },
    });
    // When farm-a reports, 4 devices have reported (home-us, office-1, office-2, farm-a): AnyDesk on 1 of 4 is 25 % < 30 %.
    await post('office-1', US);
    await post('office-2', US);
    await post('farm-a', DE_HETZNER, report('farm-a', 41, own['farm-b']));
    await post('farm-b', DE_HETZNER, report('farm-b', 43, own['farm-a']));
    const byRule = (list: AlertBody[], rule: string) => list.filter((a) => a.rule === rule);
    const all = await alerts();
    expect(byRule(all, 'geo.hosting-network').map((a) => a.deviceIds[0]).sort()).toEqual(['farm-a', 'farm-b']);
    expect(byRule(all, 'geo.hosting-network')[0]?.evidence).toMatchObject({ asn: 24940, source: { country: 'DE', asn: 24940 } });
    expect(byRule(all, 'geo.country-mismatch').some((a) => a.deviceIds.includes('farm-a'))).toBe(true);
    const rare = byRule(all, 'fleet.rare-tool');
    expect(rare.length).toBeGreaterThan(0);
    expect(rare[0]?.evidence).toMatchObject({ tool: 'anydesk' });
    // farm-b's report found farm-a's fingerprint and farm-a's own MAC in its neighbour table.
    expect(byRule(all, 'fleet.shared-fingerprint').find((a) => a.summary.startsWith('farm-b'))?.deviceIds).toEqual(['farm-a', 'farm-b']);
    expect(byRule(all, 'fleet.neighbor-devices').find((a) => a.summary.startsWith('farm-b'))?.deviceIds).toEqual(['farm-a', 'farm-b']);
    const detail = (await getJson(s.url, '/api/v1/devices/farm-b')).body;
    expect(detail.source).toMatchObject({ country: 'DE', asn: 24940, asOrg: 'Hetzner Online GmbH' });
    expect(detail.serverFindings.map((f: { rule: string }) => f.rule)).toEqual(
      expect.arrayContaining(['geo.hosting-network', 'geo.country-mismatch', 'fleet.neighbor-devices', 'fleet.shared-fingerprint']),
    );
  });

  it('documentation and CGNAT sources carry no country and raise no geo finding', async () => {
    for (const ip of ['203.0.113.9', '2001:db8::5', '100.64.3.4']) await post('office-2', ip, { identity: { timezone: 'Asia/Seoul' } });
    const detail = (await getJson(s.url, '/api/v1/devices/office-2')).body;
    expect(detail.source).toEqual({ country: null, asn: null, asOrg: null });
    expect((await alerts()).filter((a) => a.deviceIds.includes('office-2') && a.rule.startsWith('geo.'))).toEqual([]);
  });
});

describe('start-up with databases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-geo-'));
  afterAll(() => cleanup(dir));
  const start = (geo: Record<string, unknown>) =>
    createServer({ config: parseServerConfig({ port: 0, db: join(dir, 'x.db'), geo }), secrets, logger: pino({ level: 'silent' }), timers: false });

  it('a missing configured file is one ConfigError naming it', async () => {
    const missing = join(dir, 'nope.mmdb');
    await expect(start({ countryDb: missing })).rejects.toThrow(ConfigError);
    await expect(start({ countryDb: missing })).rejects.toThrow(`${missing}: cannot read the country database (ENOENT)`);
  });

  it('a corrupt configured MMDB or ASN CSV is one ConfigError naming it', async () => {
    const corrupt = join(dir, 'corrupt.mmdb');
    writeFileSync(corrupt, Buffer.alloc(4096, 0x41));
    await expect(start({ countryDb: corrupt })).rejects.toThrow(new RegExp(`^${corrupt.replace(/[.]/g, '\\.')}: not a readable MaxMind DB`));
    const csv = join(dir, 'asn.csv');
    writeFileSync(csv, 'this,is not\nan asn table\n');
    await expect(start({ asnDb: csv })).rejects.toThrow(ConfigError);
    await expect(start({ asnDb: csv })).rejects.toThrow(`${csv}:1: not an ASN range line`);
  });

  it('geo.enabled false: the server runs, says so once, and reports carry no country', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const s = await startServer({ geo: { enabled: false }, trustedProxies: ['127.0.0.1'] }, { logger });
    try {
      const { token } = await enroll(s.url, 'no-geo');
      expect((await postReport(s.url, token, makeReport('no-geo'), xff(KR))).status).toBe(202);
      expect((await getJson(s.url, '/api/v1/devices/no-geo')).body.source).toEqual({ country: null, asn: null, asOrg: null });
      expect(lines.filter((l) => l.includes('geo.* rules are off'))).toHaveLength(1);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
