import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rekeyIdentifier } from '../../server/rekey-identifiers.js';
import { identifierKeyFromAdminToken } from '../../server/secrets.js';
import { engines } from '../helpers/engines.js';
import { admin, cleanup, enroll, getJson, json, makeReport, postReport, secrets, startServer as startOn, type Running } from './helpers.js';

/**
 * Each claim of docs/geo.md "What each setting exempts", on a real server over HTTP, reports arriving from a trusted
 * proxy (127.0.0.1) with the device's public address in X-Forwarded-For.
 */
interface AlertBody {
  rule: string;
  severity: string;
  deviceIds: string[];
  evidence: Record<string, unknown>;
}

const HOME = ['73.15.20.1', '73.162.40.8', '98.207.11.3'];
const OFFICE = '12.161.8.20';
const SSE = '165.225.8.10';
const APPLE_RELAY = '172.224.10.1';
const stored = (hash: string) => rekeyIdentifier(Buffer.from(identifierKeyFromAdminToken(secrets.adminToken), 'base64url'), hash);

describe.each(engines)('what each setting exempts (%s)', (_name, engine) => {
  const start = async (config: Record<string, unknown> = {}) => startOn({ db: await engine.db(), trustedProxies: ['127.0.0.1', '::1'], ...config });

  /** Three laptops; `post` sends one report of each from an address, optionally behind one gateway+BSSID, seeing each other. */
  async function trio(s: Running, prefix: string, timezone = 'Asia/Seoul') {
    const ids = [1, 2, 3].map((i) => `${prefix}-${i}`);
    const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
    const key = Buffer.from(enrolled[0]!.fleetKey, 'base64url');
    const hmac = (text: string) => createHmac('sha256', key).update(text).digest('hex');
    const self = (id: string) => hmac(`self:${id}`);
    return {
      ids,
      hmac,
      async post(ips: readonly string[], lan?: string, extra: Record<string, unknown> = {}, count = 3) {
        for (const [i, id] of ids.slice(0, count).entries()) {
          const identity = {
            timezone,
            selfMacs: [self(id)],
            ...(lan ? { gatewayMac: hmac(`gw:${lan}`), wifiBssid: hmac(`ap:${lan}`), neighborMacs: ids.filter((o) => o !== id).map(self) } : {}),
          };
          const report = makeReport(id, { identity, snapshot: { schemaVersion: 1, network: { probes: [{ host: 'farmwatch.example', port: 443, rttMs: 30 + i * 0.5 }] } }, ...extra }, s.clock.now);
          const res = await postReport(s.url, enrolled[i]!.token, report, { 'x-forwarded-for': ips[i % ips.length]! });
          expect(res.status).toBe(202);
        }
      },
    };
  }
  // The fleet grade follows the answer to a report (server/places/): wait for it before reading severities.
  const alertsOf = async (s: Running, ids: readonly string[]) => {
    await s.server.settled();
    return ((await getJson(s.url, '/api/v1/alerts?limit=500')).body.alerts as AlertBody[]).filter(
      // The partial snapshot these reports carry opens agent.* alerts of its own: not this file's business.
      (a) => (a.rule.startsWith('fleet.') || a.rule.startsWith('geo.')) && a.deviceIds.some((d) => ids.includes(d)),
    );
  };
  const rulesOf = (alerts: readonly AlertBody[]) => [...new Set(alerts.map((a) => a.rule))].sort();
  const places = async (s: Running) => (await getJson(s.url, '/api/v1/places')).body.places as { kind: string; value: string; role: string | null; origin: string }[];
  const run = (config: Record<string, unknown>, body: (s: Running) => Promise<void>) => async () => {
    const s = await start(config);
    try {
      await body(s);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  };

  it('officeNetworks: the shared address is no place and no geo rule runs there; the router and access point seen there become office places, exempt everywhere after', run(
    { officeNetworks: ['12.161.8.0/24'], expected: { countries: ['US'] } },
    async (s) => {
      const t = await trio(s, 'o');
      await t.post([OFFICE], 'office');
      expect(await alertsOf(s, t.ids)).toEqual([]);
      expect((await places(s)).map((p) => [p.kind, p.role, p.origin])).toEqual([['gateway', 'office', 'learned'], ['wifi', 'office', 'learned']]);
      // The same router and access point reached from home addresses (a site with a second uplink): still the office.
      await t.post(HOME, 'office');
      expect(rulesOf(await alertsOf(s, t.ids)).filter((r) => r.startsWith('fleet.'))).toEqual([]);
    },
  ));

  it('officeNetworks: a router first seen from a home address is not learned when later seen from the office', run({ officeNetworks: ['12.161.8.0/24'] }, async (s) => {
    const t = await trio(s, 'h');
    await t.post(HOME, 'home');
    await t.post([OFFICE], 'home');
    expect((await places(s)).filter((p) => p.role)).toEqual([]);
    await t.post(HOME, 'home');
    expect(rulesOf(await alertsOf(s, t.ids))).toEqual(expect.arrayContaining(['fleet.colocation', 'fleet.neighbor-devices', 'fleet.shared-fingerprint']));
  }));

  it('egressNetworks: the shared address is no place and no geo rule runs there; routers seen through it are not learned and still count', run(
    { egressNetworks: ['165.225.8.0/24'], expected: { countries: ['DE'] } },
    async (s) => {
      const t = await trio(s, 'e');
      await t.post([SSE]);
      expect(await alertsOf(s, t.ids)).toEqual([]);
      await t.post([SSE], 'farm');
      expect(await places(s)).toEqual([]);
      const alerts = await alertsOf(s, t.ids);
      // Neighbour tables are not read for reports from officeNetworks, egressNetworks or carrier-grade NAT.
      expect(rulesOf(alerts)).toEqual(['fleet.colocation', 'fleet.shared-fingerprint']);
      expect(alerts.find((a) => a.rule === 'fleet.colocation')?.evidence.places).toEqual([
        { kind: 'gateway', value: stored(t.hmac('gw:farm')) },
        { kind: 'wifi', value: stored(t.hmac('ap:farm')) },
      ]);
    },
  ));

  it('relay catalog: a shared iCloud Private Relay address is no place, the geo rules still judge it, and a router behind it still counts', run({ expected: { countries: ['DE'] } }, async (s) => {
    const t = await trio(s, 'r');
    await t.post([APPLE_RELAY]);
    const alerts = await alertsOf(s, t.ids);
    expect(alerts.filter((a) => a.rule.startsWith('fleet.'))).toEqual([]);
    expect(rulesOf(alerts)).toContain('geo.country-mismatch');
    await t.post([APPLE_RELAY], 'farm');
    const coloc = (await alertsOf(s, t.ids)).filter((a) => a.rule === 'fleet.colocation');
    expect(coloc).toHaveLength(1);
    expect((coloc[0]!.evidence.places as { kind: string }[]).map((p) => p.kind)).toEqual(['gateway', 'wifi']);
  }));

  it('relayNetworks: an address listed there is no place for co-location', run({ relayNetworks: ['198.51.100.0/24'] }, async (s) => {
    const t = await trio(s, 'n');
    await t.post(['198.51.100.7']);
    expect(await alertsOf(s, t.ids)).toEqual([]);
  }));

  it('policy places: ignored exempts a place from co-location, shared fingerprint and neighbours; none makes a learned office count again', run({ officeNetworks: ['12.161.8.0/24'] }, async (s) => {
    const t = await trio(s, 'p');
    const gw = stored(t.hmac('gw:hotel'));
    const put = async (kind: string, value: string, role: string) =>
      (await fetch(`${s.url}/api/v1/places/${kind}/${value}`, { method: 'PUT', headers: { ...admin, ...json }, body: JSON.stringify({ role, label: 'test' }) })).status;
    expect(await put('gateway', gw, 'ignored')).toBe(200);
    expect((await getJson(s.url, '/api/v1/policy')).body.body.places).toEqual([{ kind: 'gateway', value: gw, role: 'ignored', label: 'test' }]);
    await t.post(HOME, 'hotel');
    expect(rulesOf(await alertsOf(s, t.ids)).filter((r) => r.startsWith('fleet.'))).toEqual([]);

    const t2 = await trio(s, 'q');
    await t2.post([OFFICE], 'desk');
    const learned = stored(t2.hmac('gw:desk'));
    expect((await places(s)).find((p) => p.value === learned)?.origin).toBe('learned');
    expect(await put('gateway', learned, 'none')).toBe(200);
    expect(await put('wifi', stored(t2.hmac('ap:desk')), 'none')).toBe(200);
    await t2.post(HOME, 'desk');
    expect(rulesOf(await alertsOf(s, t2.ids))).toEqual(expect.arrayContaining(['fleet.colocation', 'fleet.shared-fingerprint']));
  }));

  it('policy places of kind ip: that one address is no place for co-location', run({}, async (s) => {
    const res = await fetch(`${s.url}/api/v1/places/ip/${HOME[2]}`, { method: 'PUT', headers: { ...admin, ...json }, body: JSON.stringify({ role: 'office' }) });
    expect(res.status).toBe(200);
    const t = await trio(s, 'i', 'America/New_York');
    await t.post([HOME[2]!]);
    expect(await alertsOf(s, t.ids)).toEqual([]);
    expect((await places(s)).map((p) => [p.kind, p.value, p.role, p.origin])).toEqual([['ip', HOME[2], 'office', 'declared']]);
  }));

  it('carrier-grade NAT: the shared address is no place', run({}, async (s) => {
    const t = await trio(s, 'c');
    await t.post(['100.64.3.4']);
    expect(await alertsOf(s, t.ids)).toEqual([]);
  }));

  it('severity: three laptops at one home on one day are medium, saying why; two are low', run({}, async (s) => {
    // New York laptops at New York addresses: no zone mismatch, so no member evidence. Monday 10:00 in New York.
    s.clock.now = new Date('2026-11-02T15:00:00Z');
    const t = await trio(s, 's', 'America/New_York');
    await t.post([HOME[0]!], 'home');
    const alerts = await alertsOf(s, t.ids);
    const coloc = alerts.find((a) => a.rule === 'fleet.colocation')!;
    expect(coloc.severity).toBe('medium');
    expect((coloc.evidence.grade as { reasons: string[] }).reasons[0]).toMatch(/not persistent/);
    const pair = await trio(s, 'pair', 'America/New_York');
    await pair.post([HOME[1]!], 'pair-home', {}, 2);
    const household = await alertsOf(s, ['pair-1', 'pair-2']);
    expect(rulesOf(household)).toEqual(['fleet.neighbor-devices', 'fleet.shared-fingerprint']);
    expect(household.map((a) => a.severity)).toEqual(household.map(() => 'low'));
  }));
});
