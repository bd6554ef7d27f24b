import { describe, expect, it } from 'vitest';
import { defaultFleetGradePolicy, gradeFleet, memberEvidenceOf, type PresenceDay } from '../../../rules/fleet/grade.js';
import { placesOf } from '../../../rules/fleet/colocation.js';
import { onlyAtExemptPlaces, type KnownPlaces } from '../../../rules/fleet/places.js';
import { relayMatcher } from '../../../rules/fleet/relays.js';

const hour = 3_600_000;
/** Presence of `ids` at one place on `days` days, from `from` to `to` local hours, night when it covers 0–6. */
function stay(ids: readonly string[], days: number, from: number, to: number, place = 'ip:73.15.20.1'): PresenceDay[] {
  const out: PresenceDay[] = [];
  for (let d = 0; d < days; d++) {
    for (const id of ids) out.push({ place, deviceId: id, day: `2026-11-0${d + 2}`, firstMs: d * 24 * hour + from * hour, lastMs: d * 24 * hour + to * hour, night: from < 6 });
  }
  return out;
}
const six = ['a', 'b', 'c', 'd', 'e', 'f'];
const none = new Map<string, string[]>();

describe('gradeFleet', () => {
  it('one day of six laptops at a place: medium, not persistent, and says so', () => {
    const g = gradeFleet(six, stay(six, 1, 0, 21), none);
    expect(g.severity).toBe('medium');
    expect(g.persistence).toEqual({ coPresentDays: 1, overnightNights: 1, persistent: false });
    expect(g.reasons[0]).toMatch(/not persistent/);
  });

  it('days and nights together: high; with member evidence too: critical', () => {
    expect(gradeFleet(six, stay(six, 3, 0, 21), none).severity).toBe('high');
    const kvm = new Map(six.map((id) => [id, ['ipkvm.usb']]));
    const g = gradeFleet(six, stay(six, 3, 0, 21), kvm);
    expect(g.severity).toBe('critical');
    expect(g.reasons.join(' ')).toMatch(/member evidence on 6 of 6: ipkvm.usb/);
  });

  it('member evidence on one member only is not enough (minEvidenceMembers 2)', () => {
    expect(gradeFleet(six, stay(six, 1, 0, 21), new Map([['a', ['jiggler.hardware']]])).severity).toBe('medium');
    expect(gradeFleet(six, stay(six, 1, 0, 21), new Map([['a', ['jiggler.hardware']], ['b', ['remote-access.session']]])).severity).toBe('high');
  });

  it('a household: low however long they live there; high when both laptops are remotely driven', () => {
    expect(gradeFleet(['a', 'b'], stay(['a', 'b'], 14, 0, 23), none).severity).toBe('low');
    expect(gradeFleet(['a', 'b'], stay(['a', 'b'], 1, 0, 23), new Map([['a', ['remote-access.session']], ['b', ['remote-access.session']]])).severity).toBe('high');
  });

  it('a coworking space: short daytime stays and turnover are low, even on many days', () => {
    const visits = [...stay(six, 5, 9, 12, 'wifi:cowork'), ...stay(['g', 'h', 'i', 'j', 'k', 'l'], 1, 10, 14, 'wifi:cowork')];
    const g = gradeFleet(six, visits, none);
    expect(g.transient.transient).toBe(true);
    expect(g.severity).toBe('low');
    // Seen for a few hours only: not yet known to be transient.
    expect(gradeFleet(six, stay(six, 1, 9, 12, 'wifi:cowork'), none).severity).toBe('medium');
    // The same place with the laptops staying over night is no coworking space.
    expect(gradeFleet(six, stay(six, 5, 0, 23, 'wifi:cowork'), none).transient.transient).toBe(false);
  });

  it('thresholds come from the policy', () => {
    expect(gradeFleet(six, stay(six, 2, 0, 21), none, { ...defaultFleetGradePolicy, persistDays: 2 }).severity).toBe('high');
    expect(gradeFleet(six, stay(six, 5, 0, 21), none, { ...defaultFleetGradePolicy, overnightNights: 6 }).severity).toBe('medium');
  });
});

describe('memberEvidenceOf', () => {
  it('counts remote control, KVM, jigglers, far sessions and zone mismatch; not sanctioned ones, not the VPN', () => {
    expect(
      memberEvidenceOf([
        { rule: 'remote-access.session' },
        { rule: 'ipkvm.edid' },
        { rule: 'jiggler.software' },
        { rule: 'network.session-rtt' },
        { rule: 'geo.timezone-mismatch' },
        { rule: 'remote-access.running', suppressed: true },
        { rule: 'network.vpn' },
        { rule: 'locale.timezone' },
      ]),
    ).toEqual(['geo.timezone-mismatch', 'ipkvm.edid', 'jiggler.software', 'network.session-rtt', 'remote-access.session']);
  });
});

describe('places and relays', () => {
  const relay = relayMatcher(undefined, ['198.51.100.0/24']);
  const known = (roles: Record<string, 'office' | 'ignored'>): KnownPlaces => ({
    roleOf: (kind, value) => roles[`${kind}:${value}`],
    isRelay: (ip, asn) => relay(ip, asn) !== null,
    gradeOf: () => undefined,
  });

  it('relay egress (catalog ASNs, relayNetworks) is never a place; the router behind it is', () => {
    expect(relay('172.224.10.1', 36183)?.id).toBe('icloud-private-relay-akamai');
    expect(relay('104.28.1.1', 13335)?.kind).toBe('consumer-vpn');
    expect(relay('198.51.100.9', undefined)?.id).toBe('relay-networks');
    expect(relay('73.15.20.1', 7922)).toBeNull();
    expect(placesOf({ sourceIp: '172.224.10.1', sourceIsOffice: false, asn: 36183, gatewayMac: 'g', known: known({}) })).toEqual([{ kind: 'gateway', value: 'g' }]);
  });

  it('a report at an office or ignored place is at no place at all', () => {
    expect(placesOf({ sourceIp: '73.15.20.1', sourceIsOffice: false, gatewayMac: 'g', wifiBssid: 'w', known: known({ 'wifi:w': 'office' }) })).toEqual([]);
    expect(placesOf({ sourceIp: '73.15.20.1', sourceIsOffice: false, gatewayMac: 'g', known: known({ 'gateway:g': 'ignored' }) })).toEqual([]);
    expect(placesOf({ sourceIp: '73.15.20.1', sourceIsOffice: false, gatewayMac: 'g', known: known({}) })).toHaveLength(2);
  });

  it('a dock or monitor seen only at office places is no fingerprint; seen once at home, it is', () => {
    const office = known({ 'gateway:office': 'office' });
    expect(onlyAtExemptPlaces(office, [{ gatewayMac: 'office' }, { gatewayMac: 'office', wifiBssid: 'x' }])).toBe(true);
    expect(onlyAtExemptPlaces(office, [{ gatewayMac: 'office' }, { gatewayMac: 'home' }])).toBe(false);
    expect(onlyAtExemptPlaces(office, [])).toBe(false);
  });
});
