import { readFileSync, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../agent/config.js';
import { placeHash } from '../../agent/identity.js';
import { buildReport } from '../../agent/report.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { evaluateSnapshot } from '../../rules/index.js';
import { rekeyIdentifier } from '../../server/rekey-identifiers.js';
import { decompressBody } from '../../server/db/report-body.js';
import { identifierKeyFromAdminToken } from '../../server/secrets.js';
import { serverVerdict } from '../../server/verdict/verdict.js';
import { policyBodySchema, resolvePolicy } from '../../server/policy/schema.js';
import type { Report } from '../../schema/report.js';
import { emptySnapshot } from '../helpers/snapshot.js';
import { cleanup, enroll, getJson, postReport, secrets, startServer } from './helpers.js';

const serverKey = Buffer.from(identifierKeyFromAdminToken(secrets.adminToken), 'base64url');

/** Everything a stolen SQLite file gives away: its bytes (and its WAL's), and the report bodies stored compressed, decompressed. */
async function storedText(file: string): Promise<string> {
  const raw = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file, { readonly: true });
  try {
    const bodies = (db.prepare('SELECT body_z FROM reports WHERE body_z IS NOT NULL').pluck().all() as Buffer[]).map((z) => decompressBody(z) ?? '');
    return [...raw, ...bodies].join('\n');
  } finally {
    db.close();
  }
}

const host: NonNullable<Snapshot['host']> = {
  hostname: 'laptop-7', os: { name: 'Ubuntu' }, arch: 'x64', machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4',
  virtualization: { isVirtual: false }, power: { onAc: true }, lid: 'open',
};

/** A laptop behind one gateway and Wi-Fi, a neighbour, its own Ethernet MAC, and optionally a NanoKVM's USB network adapter. */
function laptop(extraInterfaces: NonNullable<Snapshot['network']>['interfaces'] = []): Snapshot {
  return emptySnapshot({
    collectedAt: new Date().toISOString(),
    host,
    network: {
      interfaces: [{ name: 'eth0', kind: 'ethernet', mac: 'a4:5e:60:01:02:03', up: true, addresses: [] }, ...extraInterfaces],
      identity: {
        gateway: { ip: '192.168.1.1', mac: 'aa:bb:cc:dd:ee:01' },
        neighbors: [{ ip: '192.168.1.7', mac: 'de:ad:be:ef:00:01' }],
        wifi: { interface: 'wlan0', ssid: 'Farm House 5G', bssid: 'aa:bb:cc:dd:ee:02' },
        dnsServers: [],
      },
    },
  });
}

/** The report the real agent code builds for this snapshot, snapshot included. */
function agentReport(deviceId: string, snapshot: Snapshot, fleetKey: string, clearIdentifiers = false) {
  const config = parseConfig({ deviceId, report: { snapshot: 'always' } });
  const policy = { version: 1, expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], weights: {}, clearIdentifiers };
  const evaluation = evaluateSnapshot(snapshot, { expected: config.expected, allowTools: [], latency: { anchors: [] }, now: new Date() });
  return buildReport({ snapshot, evaluation, config, deviceId, fleetKey, agentVersion: '0.1.0', health: {}, nextReportBy: new Date(Date.now() + 330_000), policy });
}

const usbNetwork = (r: Report) => serverVerdict(r, { version: 1, expected: { timezones: [], locales: [], keyboardLayouts: [], countries: [] }, allowTools: [], weights: {} }, { scoreMismatchPoints: 30, scoreMismatchLevels: 2 })
  .findings.filter((f) => f.rule === 'ipkvm.usb-network');

describe('identifiers the server stores are keyed again under its own key', () => {
  it('a stolen database plus a laptop fleet key finds none of the agent hashes: each is stored re-keyed', async () => {
    const s = await startServer();
    try {
      const { token, fleetKey } = await enroll(s.url, 'priv-1');
      const report = agentReport('priv-1', laptop(), fleetKey);
      // What an attacker with the fleet key computes for the true values (the ~2^24 guesses per vendor prefix end here).
      const agentHashes = {
        gateway: placeHash(fleetKey, 'aa:bb:cc:dd:ee:01'),
        bssid: placeHash(fleetKey, 'aa:bb:cc:dd:ee:02'),
        neighbour: placeHash(fleetKey, 'de:ad:be:ef:00:01'),
        ownMac: placeHash(fleetKey, 'a4:5e:60:01:02:03'),
        ssid: placeHash(fleetKey, 'Farm House 5G'),
        machineId: placeHash(fleetKey, host.machineId!),
      };
      // The agent sent exactly these (so the test is about what the server keeps, not about what it received).
      const sent = JSON.stringify(report);
      for (const [what, h] of Object.entries(agentHashes)) expect(sent, what).toContain(h);
      expect((await postReport(s.url, token, report)).status).toBe(202);
      await s.close();

      const stored = await storedText(s.db);
      expect(stored).toContain(report.reportId);
      for (const [what, h] of Object.entries(agentHashes)) {
        expect(stored.includes(h), `${what}: agent hash stored`).toBe(false);
        expect(stored.includes(rekeyIdentifier(serverKey, h)), `${what}: re-keyed hash stored`).toBe(true);
      }
      // Nothing raw either.
      for (const raw of ['aa:bb:cc:dd:ee:01', 'de:ad:be:ef:00:01', 'a4:5e:60:01:02:03', 'Farm House 5G', host.machineId!]) expect(stored.includes(raw), raw).toBe(false);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('an identifier in clear (policy clearIdentifiers) is stored as sent, not hashed by the server', async () => {
    const s = await startServer();
    try {
      const { token, fleetKey } = await enroll(s.url, 'priv-2');
      const report = agentReport('priv-2', laptop(), fleetKey);
      const clear = { ...report, snapshot: { ...(report.snapshot as object), host } };
      expect((await postReport(s.url, token, clear)).status).toBe(202);
      const detail = (await getJson(s.url, '/api/v1/devices/priv-2')).body;
      expect(JSON.stringify(detail)).not.toContain(placeHash(fleetKey, 'aa:bb:cc:dd:ee:01'));
      await s.close();
      const stored = await storedText(s.db);
      expect(stored).toContain(host.machineId);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});

describe("hashed interface MACs do not cost the server's verdict a finding", () => {
  it("keeps the agent's ipkvm.usb-network finding on a NanoKVM MAC prefix it can no longer see, without a duplicate", async () => {
    const s = await startServer();
    try {
      const { token, fleetKey } = await enroll(s.url, 'kvm-1');
      const kvmNic = { name: 'usb0', kind: 'usb-net' as const, mac: '48:da:35:6d:10:20', up: true, addresses: [] };
      const report = agentReport('kvm-1', laptop([kvmNic]), fleetKey);
      const agentFindings = report.findings.filter((f) => f.rule === 'ipkvm.usb-network');
      expect(agentFindings).toHaveLength(1);
      expect(agentFindings[0]!.subject).toBe('nanokvm');
      // The snapshot carries the MAC hashed: the server cannot match the prefix itself.
      expect(JSON.stringify(report.snapshot)).not.toContain('48:da:35:6d');
      expect((await postReport(s.url, token, report)).status).toBe(202);
      const detail = (await getJson(s.url, '/api/v1/devices/kvm-1')).body;
      expect(detail.standing.serverScore).toBeGreaterThanOrEqual(report.score);
      expect(detail.standing.serverScore).toBeGreaterThan(0);
      const alerts = (await getJson(s.url, '/api/v1/alerts')).body.alerts as { rule: string; deviceIds: string[] }[];
      expect(alerts.filter((a) => a.rule === 'agent.score-mismatch')).toEqual([]);
      // Once in the server's findings: the agent's, which the server could not reproduce.
      expect(usbNetwork(report)).toHaveLength(1);
      // With the MAC in clear the server reproduces the finding itself: still once, the server's own.
      const clear = agentReport('kvm-1', laptop([kvmNic]), fleetKey, true);
      expect(JSON.stringify(clear.snapshot)).toContain('48:da:35:6d:10:20');
      expect(usbNetwork({ ...clear, findings: [] })).toHaveLength(1);
      expect(usbNetwork(clear)).toHaveLength(1);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});

describe('policy clearIdentifiers', () => {
  it('defaults to hashed; the narrowest scope that sets it wins', () => {
    const record = (body: unknown) => ({ version: 3, createdAt: '2026-01-01T00:00:00Z', body: policyBodySchema.parse(body) });
    const none = new Map();
    expect(resolvePolicy(record({}), { deviceId: 'a' }, none).clearIdentifiers).toBeUndefined();
    const body = { defaults: { clearIdentifiers: true }, groups: { eu: { clearIdentifiers: false } }, devices: { b: { group: 'eu' }, c: { group: 'eu', clearIdentifiers: true } } };
    expect(resolvePolicy(record(body), { deviceId: 'a' }, none).clearIdentifiers).toBe(true);
    expect(resolvePolicy(record(body), { deviceId: 'b' }, none).clearIdentifiers).toBeUndefined();
    expect(resolvePolicy(record(body), { deviceId: 'c' }, none).clearIdentifiers).toBe(true);
    expect(() => policyBodySchema.parse({ defaults: { clearIdentifiers: 'yes' } })).toThrow();
  });
});

describe('policy sessionRttProbe', () => {
  it('is off unless a scope switches it on; the narrowest scope that sets it wins', () => {
    const record = (body: unknown) => ({ version: 4, createdAt: '2026-01-01T00:00:00Z', body: policyBodySchema.parse(body) });
    const none = new Map();
    expect(resolvePolicy(record({}), { deviceId: 'a' }, none).sessionRttProbe).toBeUndefined();
    const body = { defaults: { sessionRttProbe: true }, groups: { eu: { sessionRttProbe: false } }, devices: { b: { group: 'eu' } } };
    expect(resolvePolicy(record(body), { deviceId: 'a' }, none).sessionRttProbe).toBe(true);
    expect(resolvePolicy(record(body), { deviceId: 'b' }, none).sessionRttProbe).toBeUndefined();
    expect(() => policyBodySchema.parse({ defaults: { sessionRttProbe: 'on' } })).toThrow();
  });
});
