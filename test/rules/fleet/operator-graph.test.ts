import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clustersOf, decideSharedOperator, decideSharedPeripheral, defaultPeripheralPolicy, isGenericSerial, linkKeysOf, operatorSightingsOf,
  peripheralSightingsOf, type Link,
} from '../../../rules/fleet/index.js';

const h = (c: string) => c.repeat(64);
const now = Date.parse('2026-03-01T12:00:00Z');

describe('operatorSightingsOf (the snapshot is the laptop’s word)', () => {
  it('takes keyed hashes of peer ids and addresses of incoming sessions, one per key, with the latest start', () => {
    const { sightings, skipped } = operatorSightingsOf({
      remoteSessions: {
        sessions: [
          { tool: 'anydesk', direction: 'incoming', start: '2026-03-01T10:00:00Z', peerId: h('a') },
          { tool: 'anydesk', direction: 'incoming', start: '2026-03-01T11:00:00Z', peerId: h('a'), peerAddress: h('b') },
          { tool: 'rdp', direction: 'outgoing', start: '2026-03-01T11:30:00Z', peerAddress: h('c') },
        ],
      },
    }, now);
    expect(sightings).toEqual([
      { kind: 'peer-id', value: h('a'), tool: 'anydesk', atMs: Date.parse('2026-03-01T11:00:00Z') },
      { kind: 'peer-address', value: h('b'), tool: 'anydesk', atMs: Date.parse('2026-03-01T11:00:00Z') },
    ]);
    expect(skipped).toBe(0);
  });

  it('refuses ids in clear and odd shapes, counts them, dates future sessions now, bounds tool names', () => {
    const { sightings, skipped } = operatorSightingsOf({
      remoteSessions: { sessions: [null, 'x', { direction: 'incoming', peerId: '123456789' }, { direction: 'incoming', peerId: h('A') }, { peerId: h('d') }, { tool: '<b>', direction: 'incoming', start: '2999-01-01T00:00:00Z', peerId: h('c') }] },
    }, now);
    expect(sightings).toEqual([{ kind: 'peer-id', value: h('c'), tool: 'unknown', atMs: now }]);
    expect(skipped).toBe(5);
    for (const bad of [undefined, null, 7, { remoteSessions: 'x' }, { remoteSessions: { sessions: {} } }]) expect(operatorSightingsOf(bad, now).sightings).toEqual([]);
  });
});

describe('peripheralSightingsOf', () => {
  it('external monitors, USB keyboards and mice, and KVMs (keyboard + absolute pointer) with hashed serials; not built-in panels or clear serials', () => {
    const snapshot = {
      displays: {
        connectors: [
          { name: 'eDP-1', builtin: true, connected: true, edid: { serialText: h('1') } },
          { name: 'HDMI-A-1', builtin: false, connected: true, edid: { serialText: h('2') } },
          { name: 'DP-1', builtin: false, connected: true, edid: { serialText: 'CAFEBABE' } },
        ],
      },
      usb: {
        devices: [
          { port: '1-1', serial: h('3'), interfaces: [{ class: 3, protocol: 1 }] },
          { port: '1-2', serial: h('4'), interfaces: [{ class: 3, protocol: 2 }] },
          { port: '1-3', serial: h('5'), interfaces: [{ class: 3, protocol: 1 }, { class: 3, protocol: 2 }] },
          { port: '1-4', serial: h('6'), interfaces: [{ class: 8, protocol: 80 }] },
          { port: '1-5', serial: '0000', interfaces: [{ class: 3, protocol: 1 }] },
        ],
      },
      inputs: { devices: [{ usbPort: '1-3', kind: 'pointer', absolutePointer: true }] },
    };
    expect(peripheralSightingsOf(snapshot)).toEqual([
      { kind: 'monitor', value: h('2') },
      { kind: 'keyboard', value: h('3') },
      { kind: 'mouse', value: h('4') },
      { kind: 'kvm', value: h('5') },
    ]);
    for (const bad of [null, 'x', { displays: 'x', usb: { devices: 'y' } }, { displays: { connectors: [null, 1] } }]) expect(peripheralSightingsOf(bad)).toEqual([]);
  });
});

describe('isGenericSerial', () => {
  it('flags serials that name no unit', () => {
    for (const s of ['', '0', '0000000000', 'FFFFFFFF', 'ffff-ffff', '0123456789', '123456789', '123456', 'abcdef', '9876543210', 'To Be Filled By O.E.M.', 'Default', undefined, null]) {
      expect(isGenericSerial(s), String(s)).toBe(true);
    }
    for (const s of ['CN0F4K7Q7444', '2C8C1A3B', 'M1LMQS052157', 809652556]) expect(isGenericSerial(s), String(s)).toBe(false);
  });
});

describe('decisions', () => {
  it('shared operator: two laptops suffice; one does not', () => {
    expect(decideSharedOperator('peer-id', h('a'), [{ deviceId: 'x', tool: 'anydesk', lastMs: now }])).toBeNull();
    const d = decideSharedOperator('peer-id', h('a'), [{ deviceId: 'y', tool: 'rustdesk', lastMs: now }, { deviceId: 'x', tool: 'anydesk', lastMs: now }]);
    expect(d?.deviceIds).toEqual(['x', 'y']);
    expect(d?.evidence).toMatchObject({ tools: ['anydesk', 'rustdesk'], keys: [{ kind: 'peer-id', value: h('a') }] });
  });

  it('shared peripheral: ignored as a vendor default on too many laptops or at too many places', () => {
    const s = { kind: 'monitor' as const, value: h('2') };
    expect(decideSharedPeripheral(s, ['a', 'b'], 2, 2)?.deviceIds).toEqual(['a', 'b']);
    expect(decideSharedPeripheral(s, ['a'], 1, 1)).toBeNull();
    expect(decideSharedPeripheral(s, ['a', 'b'], defaultPeripheralPolicy.maxDevices + 1, 2)).toBeNull();
    expect(decideSharedPeripheral(s, ['a', 'b'], 2, defaultPeripheralPolicy.maxPlaces + 1)).toBeNull();
  });
});

describe('clustersOf (the one definition of a cluster)', () => {
  const link = (alertId: number, rule: string, reason: Link['reason'], deviceIds: string[], keys: string[] = []): Link => ({ alertId, rule, reason, deviceIds, keys });

  it('joins laptops through any link; each edge lists every link naming both laptops', () => {
    const clusters = clustersOf([
      link(3, 'fleet.shared-peripheral', 'shared-peripheral', ['c', 'b'], ['monitor:m']),
      link(1, 'fleet.colocation', 'co-location', ['a', 'b'], ['ip:203.0.113.9']),
      link(2, 'fleet.shared-operator', 'shared-operator', ['a', 'b'], ['peer-id:p']),
      link(4, 'fleet.shared-operator', 'shared-operator', ['x', 'y']),
      link(5, 'fleet.colocation', 'co-location', ['lonely']),
    ]);
    expect(clusters.map((c) => c.deviceIds)).toEqual([['a', 'b', 'c'], ['x', 'y']]);
    const [abc] = clusters;
    expect(abc!.id).toBe('a');
    expect(abc!.reasons).toEqual(['co-location', 'shared-operator', 'shared-peripheral']);
    expect(abc!.edges.map((e) => [e.a, e.b, e.reasons.map((r) => r.alertId)])).toEqual([['a', 'b', [1, 2]], ['b', 'c', [3]]]);
    expect(abc!.edges[0]!.reasons[0]).toEqual({ reason: 'co-location', rule: 'fleet.colocation', alertId: 1, keys: ['ip:203.0.113.9'] });
  });

  it('does not depend on the order of its input', () => {
    const links = [link(1, 'r', 'co-location', ['a', 'b']), link(2, 'r', 'shared-operator', ['b', 'c']), link(3, 'r', 'shared-operator', ['d', 'e'])];
    expect(clustersOf([...links].reverse())).toEqual(clustersOf(links));
    expect(clustersOf([])).toEqual([]);
  });

  it('reads the keys of co-location places and shared keys from alert evidence', () => {
    expect(linkKeysOf({ placeKind: 'ip', place: '203.0.113.9' })).toEqual(['ip:203.0.113.9']);
    expect(linkKeysOf({ places: [{ kind: 'gateway', value: 'g' }, { kind: 'ip', value: 'i' }] })).toEqual(['gateway:g', 'ip:i']);
    expect(linkKeysOf({ keys: [{ kind: 'peer-id', value: 'p' }, null, { kind: 1 }] })).toEqual(['peer-id:p']);
    expect(linkKeysOf({})).toEqual([]);
  });
});

describe('totality: any JSON as a snapshot', () => {
  it('gives lists of keyed hashes and never throws', () => {
    const anySnapshot = fc.oneof(
      fc.jsonValue(),
      fc.record({ remoteSessions: fc.record({ sessions: fc.array(fc.jsonValue(), { maxLength: 20 }) }) }),
      fc.record({ displays: fc.record({ connectors: fc.array(fc.jsonValue(), { maxLength: 10 }) }), usb: fc.record({ devices: fc.array(fc.jsonValue(), { maxLength: 10 }) }) }),
    );
    fc.assert(
      fc.property(anySnapshot, (snapshot) => {
        const { sightings, skipped } = operatorSightingsOf(snapshot, now);
        expect(skipped).toBeGreaterThanOrEqual(0);
        for (const x of [...sightings, ...peripheralSightingsOf(snapshot)]) expect(x.value).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 300 },
    );
  });
});
