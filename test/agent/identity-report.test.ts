import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { deviceIdFromHardwareId, hashSnapshotPlaces, identityOf, isVirtualRouterMac, normalizeMac, placeHash } from '../../agent/identity.js';
import { buildReport, configHash, nextReportBy } from '../../agent/report.js';
import { reportByteBudget } from '../../schema/report.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import type { Evaluation } from '../../rules/index.js';
import { reportSchema } from '../../schema/report.js';

const fleetKey = 'fleet-key-'.repeat(5);
// The HMAC key is the fleet key's bytes: it travels base64url-encoded (as the server's tests compute it).
const hmac = (mac: string) => createHmac('sha256', Buffer.from(fleetKey, 'base64url')).update(mac).digest('hex');

function snapshot(network: Snapshot['network'] = null): Snapshot {
  return {
    schemaVersion: 1, collectedAt: '2026-01-01T00:00:00.000Z', agentVersion: '0.1.0', platform: 'linux',
    host: null, processes: null, software: null, network, usb: null, inputs: null, displays: null,
    locale: null, sessions: null, activity: null, errors: [], collectors: {},
  };
}

const net: NonNullable<Snapshot['network']> = {
  connections: [],
  interfaces: [],
  probes: [],
  identity: {
    gateway: { ip: '192.168.1.1', mac: 'AA-BB-CC-0D-0E-0F', interface: 'eth0' },
    neighbors: [
      { ip: '192.168.1.7', mac: 'de:ad:be:ef:00:01' },
      { ip: '192.168.1.8', mac: '00:00:5E:00:01:07' }, // VRRP: not a place
      { ip: '192.168.1.9', mac: 'DE:AD:BE:EF:00:01' }, // same MAC, other spelling
    ],
    wifi: { ssid: 'home', bssid: '1:2:3:4:5:6' },
    dnsServers: [],
  },
};

const evaluation = (findings: Evaluation['findings'] = []): Evaluation => ({ findings, score: findings.length ? 40 : 0, level: findings.length ? 'medium' : 'none' } as Evaluation);
const finding = { rule: 'remote-access.running', title: 't', severity: 'high', confidence: 1, evidence: {}, group: 'remote-access', weight: 0.4, attack: [] } as unknown as Evaluation['findings'][number];

describe('place identifiers', () => {
  it('normalises MAC spellings to lower-case colon form', () => {
    expect(normalizeMac('AA-BB-CC-0D-0E-0F')).toBe('aa:bb:cc:0d:0e:0f');
    expect(normalizeMac('aabb.cc0d.0e0f')).toBe('aa:bb:cc:0d:0e:0f');
    expect(normalizeMac('1:2:3:4:5:6')).toBe('01:02:03:04:05:06');
    expect(normalizeMac('not a mac')).toBeUndefined();
    expect(isVirtualRouterMac('00:00:5e:00:02:11')).toBe(true);
    expect(isVirtualRouterMac('00:00:5e:00:03:11')).toBe(false);
  });

  it('puts HMACs under the fleet key in identity, without virtual-router MACs or duplicates', () => {
    const id = identityOf(snapshot(net), fleetKey, 'Europe/Paris');
    expect(id).toEqual({
      timezone: 'Europe/Paris',
      gatewayMac: hmac('aa:bb:cc:0d:0e:0f'),
      wifiBssid: hmac('01:02:03:04:05:06'),
      neighborMacs: [hmac('de:ad:be:ef:00:01')],
    });
    expect(placeHash('other key', 'aa:bb:cc:0d:0e:0f')).not.toBe(id.gatewayMac);
  });

  it('replaces the same identifiers inside the snapshot by the same hashes; no raw MAC is left', () => {
    const hashed = hashSnapshotPlaces(snapshot(net), fleetKey);
    const text = JSON.stringify(hashed);
    for (const raw of ['aa-bb-cc', 'AA-BB-CC', 'de:ad:be:ef', 'DE:AD', '00:00:5E', '1:2:3:4:5:6']) expect(text).not.toContain(raw);
    expect(hashed.network?.identity.gateway?.mac).toBe(identityOf(snapshot(net), fleetKey).gatewayMac);
    expect(hashed.network?.identity.wifi?.bssid).toBe(hmac('01:02:03:04:05:06'));
    expect(hashed.network?.identity.gateway?.ip).toBe('192.168.1.1');
  });

  it('derives a stable deviceId from the hardware id without carrying it', () => {
    const id = deviceIdFromHardwareId('0123456789abcdef0123456789abcdef');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id).toBe(deviceIdFromHardwareId('0123456789ABCDEF0123456789ABCDEF\n'));
    expect(id).not.toContain('0123456789abcdef');
    expect(deviceIdFromHardwareId('other')).not.toBe(id);
  });
});

describe('buildReport', () => {
  const base = { deviceId: 'dev-1', fleetKey, agentVersion: '0.1.0', health: { cpuMs: 5 }, nextReportBy: new Date('2026-01-01T00:06:00Z') };

  it('builds a report that passes the wire schema, snapshot per report.snapshot', () => {
    const onFindings = parseConfig({});
    const clean = buildReport({ ...base, snapshot: snapshot(net), evaluation: evaluation(), config: onFindings });
    expect(reportSchema.safeParse(clean).success).toBe(true);
    expect(clean.snapshot).toBeUndefined();
    const flagged = buildReport({ ...base, snapshot: snapshot(net), evaluation: evaluation([finding]), config: onFindings });
    expect(reportSchema.safeParse(flagged).success).toBe(true);
    expect(flagged.snapshot).toBeDefined();
    expect(JSON.stringify(flagged)).not.toContain('de:ad:be:ef');
    const never = buildReport({ ...base, snapshot: snapshot(net), evaluation: evaluation([finding]), config: parseConfig({ report: { snapshot: 'never' } }) });
    expect(never.snapshot).toBeUndefined();
    const always = buildReport({ ...base, snapshot: snapshot(net), evaluation: evaluation(), config: parseConfig({ report: { snapshot: 'always' } }) });
    expect(always.snapshot).toBeDefined();
    expect(always.reportId).not.toBe(clean.reportId);
    expect(always.identity.gatewayMac).toBe(hmac('aa:bb:cc:0d:0e:0f'));
  });

  it("stamps the report id with the snapshot's collection time, which the server reads back from a repeated report's id", () => {
    const at = { ...snapshot(net), collectedAt: '2026-03-04T05:06:07.089Z' };
    const report = buildReport({ ...base, snapshot: at, evaluation: evaluation(), config: parseConfig({}), now: new Date('2026-03-04T05:06:09.500Z') });
    expect(Number.parseInt(report.reportId.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse(at.collectedAt));
    expect(report.collectedAt).toBe(at.collectedAt);
    expect(report.sentAt).toBe('2026-03-04T05:06:09.500Z');
  });

  it('trims a snapshot that would push the report over the body limit, and says what it cut', () => {
    const huge = snapshot(net);
    huge.errors = Array.from({ length: 12_000 }, (_, i) => ({ collector: 'processes', code: 'failed' as const, message: `error ${i} ${'x'.repeat(80)}` }));
    const report = buildReport({ ...base, snapshot: huge, evaluation: evaluation(), config: parseConfig({ report: { snapshot: 'always' } }) });
    expect(report.snapshot).toBeDefined();
    expect(report.truncated?.cuts).toEqual([{ path: 'snapshot.errors', removed: expect.any(Number) }]);
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(reportByteBudget);
    expect(reportSchema.safeParse(report).success).toBe(true);
    // A lower budget (report.maxBytes, behind a proxy with a smaller limit) is kept too.
    const small = buildReport({ ...base, snapshot: huge, evaluation: evaluation(), config: parseConfig({ report: { snapshot: 'always', maxBytes: 100_000 } }) });
    expect(Buffer.byteLength(JSON.stringify(small))).toBeLessThanOrEqual(100_000);
    expect(small.truncated?.budget).toBe(100_000);
  });

  it('hashes the effective config canonically (key order does not matter) and never the enrollment secret', () => {
    const a = parseConfig({ intervalSec: 60, expected: { timezones: ['America/*'] } });
    const b = parseConfig({ expected: { timezones: ['America/*'] }, intervalSec: 60 });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash(parseConfig({ intervalSec: 61 }))).not.toBe(configHash(a));
    expect(configHash(parseConfig({ intervalSec: 60, expected: { timezones: ['America/*'] }, enrollSecret: 's' }))).toBe(configHash(a));
  });

  it('promises the next report by now + interval × 1.1 + collection and delivery slack', () => {
    const config = parseConfig({ intervalSec: 300, collectTimeoutMs: 10_000, server: { url: 'https://x.example', timeoutMs: 15_000 } });
    const now = new Date('2026-01-01T00:00:00Z');
    expect(nextReportBy(now, 300_000, config).toISOString()).toBe(new Date(now.getTime() + 330_000 + 25_000).toISOString());
  });
});
