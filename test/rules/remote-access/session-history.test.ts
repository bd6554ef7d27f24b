import { describe, expect, it } from 'vitest';
import type { RemoteSession } from '../../../schema/snapshot/remoteSessions.js';
import { localHour, remoteAccessSessionHistory, remoteAccessSessionPeerCountry } from '../../../rules/remote-access/session-history.js';
import { emptySnapshot, ruleContext } from '../../helpers/snapshot.js';

const session = (over: Partial<RemoteSession>): RemoteSession => ({ tool: 'anydesk', direction: 'incoming', start: '2026-03-10T14:00:00.000Z', end: '2026-03-10T14:20:00.000Z', source: 'anydesk:connection_trace', ...over });
const snap = (sessions: RemoteSession[], timezone = 'Europe/Berlin') =>
  emptySnapshot({ collectedAt: '2026-03-10T18:00:00.000Z', remoteSessions: { sessions, logs: [] }, locale: { timezone, timezoneSource: 'Intl', utcOffsetMinutes: 60, locale: 'de-DE', languages: [], keyboardLayouts: [], inputMethods: [] } as never });

describe('remote-access.session-history', () => {
  it('a daytime support call is medium; at night (local time) or over 2 h it is high', () => {
    const [day] = remoteAccessSessionHistory.evaluate(snap([session({})]), ruleContext());
    expect(day).toMatchObject({ subject: 'anydesk', severity: 'medium', confidence: 0.5 });
    // 21:30 UTC is 22:30 in Berlin: night there, not in UTC
    const [night] = remoteAccessSessionHistory.evaluate(snap([session({ start: '2026-03-10T21:30:00.000Z', end: '2026-03-10T21:40:00.000Z' })]), ruleContext());
    expect(night).toMatchObject({ severity: 'high', confidence: 0.7, evidence: { night: 1, long: 0 } });
    const [long] = remoteAccessSessionHistory.evaluate(snap([session({ end: undefined })]), ruleContext());
    expect(long).toMatchObject({ severity: 'high', evidence: { long: 1, list: [{ open: true, minutes: 240 }] } });
    expect(localHour('2026-03-10T21:30:00.000Z', 'Europe/Berlin')).toBe(22);
    expect(localHour('2026-03-10T21:30:00.000Z', 'Not/AZone')).toBe(21);
  });

  it('outgoing sessions and help-desk peers raise nothing (raw ids on the laptop, hashes on the server alike)', () => {
    expect(remoteAccessSessionHistory.evaluate(snap([session({ direction: 'outgoing' })]), ruleContext())).toEqual([]);
    expect(remoteAccessSessionHistory.evaluate(snap([session({ peerId: '1098223344' })]), ruleContext({ helpdeskPeers: [' 1098223344 '] }))).toEqual([]);
    const hashed = 'a'.repeat(64);
    expect(remoteAccessSessionHistory.evaluate(snap([session({ peerId: hashed })]), ruleContext({ helpdeskPeers: [hashed.toUpperCase()] }))).toEqual([]);
  });

  it('a cut, vanished or replaced log is a tamper finding', () => {
    const s = emptySnapshot({ remoteSessions: { sessions: [], logs: [
      { source: 'teamviewer:logfile', path: '/var/log/teamviewer15/TeamViewer15_Logfile.log', state: 'shrunk', reason: 'x' },
      { source: 'anydesk:ad.trace', path: '/home/a/.anydesk/anydesk.trace', state: 'read' },
    ] } });
    expect(remoteAccessSessionHistory.evaluate(s, ruleContext())).toEqual([expect.objectContaining({ subject: 'teamviewer', severity: 'high', confidence: 0.75, evidence: expect.objectContaining({ tamper: true, state: 'shrunk' }) })]);
  });

  it('snapshots without the domain (older agents) raise nothing', () => {
    expect(remoteAccessSessionHistory.evaluate(emptySnapshot(), ruleContext())).toEqual([]);
  });
});

describe('remote-access.session-peer-country', () => {
  it('fires for a looked-up country outside expected.countries; quiet without one or without expected countries', () => {
    const s = snap([session({ peerCountry: 'KP', peerAsn: 131279 }), session({ peerCountry: 'DE' }), session({})]);
    expect(remoteAccessSessionPeerCountry.evaluate(s, ruleContext())).toEqual([]);
    const [m] = remoteAccessSessionPeerCountry.evaluate(s, ruleContext({ expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['DE'] } }));
    expect(m).toMatchObject({ subject: 'anydesk', evidence: { countries: ['KP'], list: [{ peerCountry: 'KP', peerAsn: 131279 }] } });
    expect(remoteAccessSessionPeerCountry.evaluate(snap([session({ peerCountry: 'KP', peerId: 'x' })]), ruleContext({ helpdeskPeers: ['x'], expected: { timezones: [], locales: [], keyboardLayouts: [], countries: ['DE'] } }))).toEqual([]);
  });
});
