import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashSnapshotPlaces, keyedHash } from '../../agent/identity.js';
import { normalizePeerId } from '../../rules/fleet/index.js';
import { engines } from '../helpers/engines.js';
import { emptySnapshot } from '../helpers/snapshot.js';
import { admin, cleanup, enroll, getJson, json, makeReport, postReport, secrets, startServer as startOn } from './helpers.js';

type AlertJson = { id: number; rule: string; deviceIds: string[]; evidence: Record<string, unknown>; summary: string };
const alertsOf = async (url: string, rule: string) => ((await getJson(url, '/api/v1/alerts')).body.alerts as AlertJson[]).filter((a) => a.rule === rule);

// The peer id as the operator's AnyDesk shows it, and one external monitor's EDID serial: neither may leave a laptop in clear.
const peerId = '123 456 789';
const monitorSerial = 'CN0F4K7Q7444';

/**
 * One laptop's snapshot as the agent sends it: the monitor serial hashed by the agent's own code (agent/identity.ts),
 * the remote-session peer as the keyed hash the contract prescribes (collectors/remoteSessions on the endpoint side).
 */
function laptopSnapshot(fleetKey: string, peer = peerId): Record<string, unknown> {
  const raw = emptySnapshot({
    displays: {
      connectors: [
        { name: 'card0-eDP-1', builtin: true, connected: true },
        { name: 'card0-HDMI-A-1', builtin: false, connected: true, edid: { manufacturerId: 'DEL', productCode: 0x4123, serialText: monitorSerial, serialNumber: 809_652_556, monitorName: 'DELL P2419H' } },
      ],
      adapters: [],
    },
  });
  const sent = hashSnapshotPlaces(raw, fleetKey) as unknown as Record<string, unknown>;
  return {
    ...sent,
    remoteSessions: {
      sessions: [{ tool: 'anydesk', direction: 'incoming', start: new Date(Date.now() - 3_600_000).toISOString(), peerId: keyedHash(fleetKey, normalizePeerId(peer)), source: 'anydesk:connection_trace' }],
      logs: [{ source: 'anydesk:connection_trace', path: '/var/log/anydesk/connection_trace.txt', state: 'read' }],
    },
  };
}

describe.each(engines)('operator graph over HTTP (%s)', (_name, engine) => {
  // Three uplinks: each laptop's address comes through a trusted proxy's X-Forwarded-For, so co-location sees three places.
  const startServer = async (config: Record<string, unknown> = {}) => startOn({ db: await engine.db(), trustedProxies: ['127.0.0.1', '::1'], ...config });
  const uplink = (i: number) => ({ 'x-forwarded-for': `198.51.100.${10 + i}` });

  it('three laptops on three uplinks sharing one peer id and one monitor: one shared-operator and one shared-peripheral alert, one cluster', async () => {
    const s = await startServer();
    try {
      const ids = ['farm-a', 'farm-b', 'farm-c'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      for (const [i, id] of ids.entries()) {
        const body = makeReport(id, { snapshot: laptopSnapshot(enrolled[i]!.fleetKey) });
        const text = JSON.stringify(body);
        // What leaves the laptop: neither the peer id nor the monitor serial in clear.
        expect(text).not.toContain(monitorSerial);
        expect(text).not.toContain('809652556');
        expect(text).not.toContain(normalizePeerId(peerId));
        expect((await postReport(s.url, enrolled[i]!.token, body, uplink(i))).status).toBe(202);
        if (i === 0) {
          expect(await alertsOf(s.url, 'fleet.shared-operator')).toEqual([]);
          expect(await alertsOf(s.url, 'fleet.shared-peripheral')).toEqual([]);
        }
      }
      // Sent again: the same alerts, not new ones.
      await postReport(s.url, enrolled[0]!.token, makeReport('farm-a', { snapshot: laptopSnapshot(enrolled[0]!.fleetKey) }), uplink(0));

      const operator = await alertsOf(s.url, 'fleet.shared-operator');
      const peripheral = await alertsOf(s.url, 'fleet.shared-peripheral');
      expect(operator).toHaveLength(1);
      expect(peripheral).toHaveLength(1);
      expect(operator[0]!.deviceIds).toEqual(ids);
      expect(peripheral[0]!.deviceIds).toEqual(ids);
      expect(operator[0]!.evidence).toMatchObject({ tools: ['anydesk'], keys: [{ kind: 'peer-id' }] });
      expect(peripheral[0]!.evidence).toMatchObject({ keys: [{ kind: 'monitor' }], placeCount: 3 });
      // Keyed again on the server: the agent's hash (which the fleet key on any laptop can recompute) is not what is stored.
      const agentPeerHash = keyedHash(enrolled[0]!.fleetKey, normalizePeerId(peerId));
      expect(JSON.stringify(operator)).not.toContain(agentPeerHash);
      // Three uplinks: no co-location.
      expect(await alertsOf(s.url, 'fleet.colocation')).toEqual([]);

      const clusters = (await getJson(s.url, '/api/v1/clusters')).body;
      expect(clusters.total).toBe(1);
      const [cluster] = clusters.clusters;
      expect(cluster.deviceIds).toEqual(ids);
      expect(cluster.reasons).toEqual(['shared-operator', 'shared-peripheral']);
      const ab = cluster.edges.find((e: { a: string; b: string }) => e.a === 'farm-a' && e.b === 'farm-b');
      expect(ab.reasons.map((r: { rule: string; alertId: number }) => [r.rule, r.alertId])).toEqual(
        [['fleet.shared-operator', operator[0]!.id], ['fleet.shared-peripheral', peripheral[0]!.id]].sort((x, y) => (x[1] as number) - (y[1] as number)),
      );
      const mine = (await getJson(s.url, '/api/v1/devices/farm-c/cluster')).body;
      expect(mine.cluster.deviceIds).toEqual(ids);
      expect((await getJson(s.url, '/api/v1/devices/nobody/cluster')).body.cluster).toBeNull();
      expect((await getJson(s.url, '/api/v1/clusters', {})).status).toBe(401);

      // The device page: its cluster with the reasons, and the new-hire window (enrolled just now; default 14 days).
      const login = await fetch(`${s.url}/dashboard/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: secrets.adminToken }).toString(),
        redirect: 'manual',
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const page = await (await fetch(`${s.url}/dashboard/devices/farm-b`, { headers: { cookie } })).text();
      expect(page).toContain('id="device-cluster"');
      expect(page).toContain('shared operator (<code>fleet.shared-operator</code>');
      expect(page).toContain('shared peripheral (<code>fleet.shared-peripheral</code>');
      expect(page).toContain('id="new-hire"');
      expect(page).toContain('day 1 of 14');
      const clustersPage = await (await fetch(`${s.url}/dashboard/clusters`, { headers: { cookie } })).text();
      expect(clustersPage).toContain('class="panel graph-cluster"');
      expect(clustersPage).toContain('3 laptops: shared operator, shared peripheral');
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('a peer id on the help-desk allow-list (policy helpdeskPeers) opens no shared-operator alert; the monitor still does', async () => {
    const s = await startServer();
    try {
      const put = await fetch(`${s.url}/api/v1/policy`, { method: 'PUT', headers: { ...admin, ...json }, body: JSON.stringify({ defaults: { helpdeskPeers: ['123456789'] } }) });
      expect(put.status).toBe(200);
      const ids = ['desk-a', 'desk-b', 'desk-c'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      for (const [i, id] of ids.entries()) {
        expect((await postReport(s.url, enrolled[i]!.token, makeReport(id, { snapshot: laptopSnapshot(enrolled[i]!.fleetKey) }), uplink(i))).status).toBe(202);
      }
      expect(await alertsOf(s.url, 'fleet.shared-operator')).toEqual([]);
      expect(await alertsOf(s.url, 'fleet.shared-peripheral')).toHaveLength(1);
      // The server's own re-run of the session rules spares the help desk too: only another peer's session scores.
      const other = await enroll(s.url, 'desk-x');
      expect((await postReport(s.url, other.token, makeReport('desk-x', { snapshot: laptopSnapshot(other.fleetKey, '987 654 321') }), uplink(3))).status).toBe(202);
      const scoreOf = async (id: string) => ((await (await fetch(`${s.url}/api/v1/devices/${id}`, { headers: admin })).json()) as { standing: { serverScore: number } }).standing.serverScore;
      expect(await scoreOf('desk-a')).toBeLessThan(await scoreOf('desk-x'));
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('from an office network the shared monitor is a hot desk: no shared-peripheral alert', async () => {
    const s = await startServer({ officeNetworks: ['198.51.100.0/24'] });
    try {
      const ids = ['hot-a', 'hot-b', 'hot-c'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      for (const [i, id] of ids.entries()) {
        const snapshot = { ...laptopSnapshot(enrolled[i]!.fleetKey), remoteSessions: undefined };
        expect((await postReport(s.url, enrolled[i]!.token, makeReport(id, { snapshot }), uplink(i))).status).toBe(202);
      }
      expect(await alertsOf(s.url, 'fleet.shared-peripheral')).toEqual([]);
      expect((await getJson(s.url, '/api/v1/clusters')).body.total).toBe(0);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('a shared-operator alert reaches the forwarders through the outbox, once, in its own transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-graph-fwd-'));
    const ocsfPath = join(dir, 'ocsf.jsonl');
    const s = await startOn({ db: await engine.db(), trustedProxies: ['127.0.0.1', '::1'], forwarders: [{ type: 'ocsf-file', path: ocsfPath }] }, { forwarderPollMs: 100 }, dir);
    try {
      const ids = ['fwd-a', 'fwd-b'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      for (const [i, id] of ids.entries()) {
        const snapshot = { ...laptopSnapshot(enrolled[i]!.fleetKey), displays: { connectors: [], adapters: [] } };
        expect((await postReport(s.url, enrolled[i]!.token, makeReport(id, { snapshot }), uplink(i))).status).toBe(202);
      }
      const [alert] = await alertsOf(s.url, 'fleet.shared-operator');
      expect(alert?.deviceIds).toEqual(ids);
      const deadline = Date.now() + 5_000;
      let lines: string[] = [];
      while (Date.now() < deadline) {
        lines = existsSync(ocsfPath) ? readFileSync(ocsfPath, 'utf8').split('\n').filter((l) => l.includes('fleet.shared-operator')) : [];
        if (lines.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('fwd-a.local');
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('hostile remoteSessions (peer ids in clear, wrong shapes) are refused at the boundary without failing the report', async () => {
    const s = await startServer();
    try {
      const ids = ['bad-a', 'bad-b'];
      const enrolled = await Promise.all(ids.map((id) => enroll(s.url, id)));
      const hostile = [
        { remoteSessions: { sessions: [{ tool: 'anydesk', direction: 'incoming', start: 'yesterday', peerId: '123456789' }] } },
        { remoteSessions: { sessions: 'all of them' } },
        { remoteSessions: { sessions: [null, 7, { peerId: { $gt: '' } }, { tool: '<script>', start: '9999-01-01T00:00:00Z', peerAddress: 'f'.repeat(63) }] } },
        { remoteSessions: 'x', displays: { connectors: [{ builtin: false, edid: { serialText: '0'.repeat(64) } }, 'x'], adapters: [] }, usb: { devices: [{ serial: 12 }] } },
      ];
      for (const extra of hostile) {
        for (const [i, id] of ids.entries()) {
          const res = await postReport(s.url, enrolled[i]!.token, makeReport(id, { snapshot: { schemaVersion: 1, ...extra } }), uplink(i));
          expect(res.status).toBe(202);
        }
      }
      expect(await alertsOf(s.url, 'fleet.shared-operator')).toEqual([]);
      const metrics = await (await fetch(`${s.url}/metrics`, { headers: admin })).text();
      expect(Number(/^farmwatch_graph_skipped_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
      expect(metrics).toMatch(/^farmwatch_graph_errors_total 0$/m);
      // The all-zero 64-hex "serial" is shaped like a hash, so two laptops sharing it count (the agent never sends one: it
      // hashes real serials and leaves generic ones in clear); what matters is that nothing failed.
      expect((await getJson(s.url, '/api/v1/clusters')).status).toBe(200);
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });
});
