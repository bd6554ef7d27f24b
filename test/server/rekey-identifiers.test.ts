import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifierRekeyer, rekeyIdentifier, rekeyReportBody } from '../../server/rekey-identifiers.js';

const key = Buffer.alloc(32, 9);
const rekey = identifierRekeyer(key);
const h = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

describe('rekeyReportBody (pure, total)', () => {
  it('keys again every agent hash at the known places, and nothing else', () => {
    const body = {
      identity: { timezone: 'UTC', gatewayMac: h(1), wifiBssid: h(2), neighborMacs: [h(3)], selfMacs: [h(4)] },
      agent: { configHash: h(5) },
      snapshot: {
        schemaVersion: 1,
        host: { hostname: 'x', machineId: h(6) },
        network: { interfaces: [{ name: 'eth0', mac: h(7) }, { name: 'lo' }], identity: { gateway: { ip: '10.0.0.1', mac: h(8) }, neighbors: [{ ip: '10.0.0.2', mac: h(9) }], wifi: { ssid: h(10), bssid: h(11) } } },
      },
    };
    const out = rekeyReportBody(body, rekey) as typeof body;
    const r = (n: number) => rekeyIdentifier(key, h(n));
    expect(out.identity).toEqual({ timezone: 'UTC', gatewayMac: r(1), wifiBssid: r(2), neighborMacs: [r(3)], selfMacs: [r(4)] });
    expect(out.agent.configHash).toBe(h(5));
    expect(out.snapshot.host).toEqual({ hostname: 'x', machineId: r(6) });
    expect(out.snapshot.network.interfaces).toEqual([{ name: 'eth0', mac: r(7) }, { name: 'lo' }]);
    expect(out.snapshot.network.identity).toEqual({ gateway: { ip: '10.0.0.1', mac: r(8) }, neighbors: [{ ip: '10.0.0.2', mac: r(9) }], wifi: { ssid: r(10), bssid: r(11) } });
    // The received object is not changed (the signature was checked over it).
    expect(body.identity.gatewayMac).toBe(h(1));
  });

  it('keys again peripheral serials and remote-session peers; clear (generic or catalogued) serials stay as they are', () => {
    const body = {
      snapshot: {
        usb: { devices: [{ port: '1-1', serial: h(12) }, { port: '1-2', serial: 'CAFEBABE' }, { port: '1-3' }] },
        displays: { connectors: [{ name: 'HDMI-A-1', edid: { manufacturerId: 'DEL', serialText: h(13) } }, { name: 'eDP-1' }] },
        remoteSessions: { sessions: [{ tool: 'anydesk', peerId: h(14), peerAddress: h(15) }, { tool: 'rdp' }], logs: [] },
      },
    };
    const out = rekeyReportBody(body, rekey) as typeof body;
    const r = (n: number) => rekeyIdentifier(key, h(n));
    expect(out.snapshot.usb.devices).toEqual([{ port: '1-1', serial: r(12) }, { port: '1-2', serial: 'CAFEBABE' }, { port: '1-3' }]);
    expect(out.snapshot.displays.connectors).toEqual([{ name: 'HDMI-A-1', edid: { manufacturerId: 'DEL', serialText: r(13) } }, { name: 'eDP-1' }]);
    expect(out.snapshot.remoteSessions.sessions).toEqual([{ tool: 'anydesk', peerId: r(14), peerAddress: r(15) }, { tool: 'rdp' }]);
  });

  it('leaves clear values (policy clearIdentifiers) as they are', () => {
    const body = { identity: { timezone: 'UTC' }, snapshot: { host: { machineId: '3d1219c7c4c5404aaa1f6d2a48adfda4' }, network: { interfaces: [{ mac: 'a4:5e:60:01:02:03' }], identity: { wifi: { ssid: 'Home' } } } } };
    expect(rekeyReportBody(body, rekey)).toEqual(body);
  });

  it('any JSON value gives a defined answer and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (identity, snapshot) => {
        const out = rekeyReportBody({ identity, snapshot }, rekey);
        expect(out).toBeDefined();
        expect(() => JSON.stringify(out)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    for (const odd of [null, 0, 'x', [], [1, 2]]) expect(rekeyReportBody(odd, rekey)).toEqual(odd);
  });

  it('keys again remote session peers, in the snapshot and in findings\' evidence at any depth; a peer in clear stays as sent', () => {
    const r = (n: number) => rekeyIdentifier(key, h(n));
    const body = {
      findings: [
        { rule: 'remote-access.session-history', evidence: { tool: 'anydesk', list: [{ peerId: h(12), peerAddress: h(13), start: '2026-03-10T00:00:00Z' }] } },
        { rule: 'remote-access.running', evidence: { process: 'anydesk' } },
        'not an object',
      ],
      snapshot: { remoteSessions: { sessions: [{ tool: 'anydesk', peerId: h(12), peerAddress: h(13) }, { tool: 'rdp', peerAddress: 'not-a-hash' }, { tool: 'vnc' }], logs: [] } },
    };
    const out = rekeyReportBody(body, rekey) as typeof body;
    expect(out.snapshot.remoteSessions.sessions).toEqual([{ tool: 'anydesk', peerId: r(12), peerAddress: r(13) }, { tool: 'rdp', peerAddress: 'not-a-hash' }, { tool: 'vnc' }]);
    expect(out.findings[0]).toEqual({ rule: 'remote-access.session-history', evidence: { tool: 'anydesk', list: [{ peerId: r(12), peerAddress: r(13), start: '2026-03-10T00:00:00Z' }] } });
    expect(out.findings.slice(1)).toEqual(body.findings.slice(1));
    expect(body.snapshot.remoteSessions.sessions[0]!.peerId).toBe(h(12));
  });

  it('the memoising rekeyer answers as rekeyIdentifier does, also past its bound', () => {
    const small = identifierRekeyer(key, 2);
    for (const n of [1, 2, 3, 1, 4, 2]) expect(small(h(n))).toBe(rekeyIdentifier(key, h(n)));
  });
});
