import { describe, expect, it } from 'vitest';
import { parseAnydeskConnectionTrace } from '../../../collectors/remoteSessions/parse-anydesk-connection-trace.js';
import { parseAnydeskTrace } from '../../../collectors/remoteSessions/parse-anydesk-trace.js';
import { parseChromotingLog } from '../../../collectors/remoteSessions/parse-chromoting-log.js';
import { peerAddressOf } from '../../../collectors/remoteSessions/parse-common.js';
import { parseRustdeskLog } from '../../../collectors/remoteSessions/parse-rustdesk-log.js';
import { parseScreensharingLog } from '../../../collectors/remoteSessions/parse-screensharing-log.js';
import { parseTeamviewerIncoming } from '../../../collectors/remoteSessions/parse-teamviewer-incoming.js';
import { parseTeamviewerLog } from '../../../collectors/remoteSessions/parse-teamviewer-log.js';
import { parseWinRemoteEvents } from '../../../collectors/remoteSessions/parse-win-remote-events.js';
import { remoteSessionsSchema } from '../../../schema/snapshot/remoteSessions.js';
import { fixture } from '../../helpers/fake-context.js';

const valid = (sessions: unknown[]) => expect(remoteSessionsSchema.safeParse({ sessions, logs: [] }).success).toBe(true);

describe('remote session log parsers (recorded samples, test/fixtures/*/SOURCES.md)', () => {
  it('TeamViewer Connections_incoming.txt (real, plaso test data): one session in UTC, display name not kept', () => {
    const { sessions, skipped } = parseTeamviewerIncoming(fixture('win32', 'teamviewer-connections-incoming-plaso.txt'));
    expect(sessions).toEqual([{ tool: 'teamviewer', direction: 'incoming', start: '2024-02-16T14:16:32.000Z', end: '2024-02-16T14:18:36.000Z', peerId: '1660360496', source: 'teamviewer:connections_incoming' }]);
    expect(skipped).toBe(0);
    expect(JSON.stringify(sessions)).not.toContain('TestUserRedacted');
  });

  it('TeamViewer15_Logfile.log (real, plaso test data): the incoming session, its partner (not this machine), local time shifted by the header offset', () => {
    const { sessions } = parseTeamviewerLog(fixture('win32', 'teamviewer15-logfile-plaso.log'));
    expect(sessions).toEqual([{ tool: 'teamviewer', direction: 'incoming', start: '2024-02-16T14:16:32.736Z', end: '2024-02-16T14:18:36.100Z', peerId: '1660360496', source: 'teamviewer:logfile' }]);
    // the same session as Connections_incoming.txt records, within a second
    valid(sessions);
  });

  it('TeamViewer log: the punched peer address is kept, a router (relay) address is not', () => {
    const text = [
      'Start:              2026/03/10 01:00:00.000 (UTC+1:00)',
      '2026/03/10 01:00:01.000  10  20 S0   CParticipantManagerBase::SetMyParticipantIdentifier(): pid=[111111111,5]',
      '2026/03/10 01:00:02.000  10  20 G1   AppSessionManager::HandleSessionIncoming: Connection incoming, sessionID = 5',
      '2026/03/10 01:00:03.000  10  20 S0   CPersistentParticipantManager::AddParticipant: [222222222,6] type=6 name=x',
      '2026/03/10 01:00:04.000  10  20 S0   UDPv4: punch received a=188.172.219.139:5938: (*)',
      '2026/03/10 01:00:05.000  10  20 S0   UDPv4: punch received a=203.0.113.8:61234: (*)',
      '2026/03/10 03:30:00.000  10  20 S0   SessionStatistics[2] Session to 222222222 ended. Estimated capacity=1kBit/s',
    ].join('\n');
    expect(parseTeamviewerLog(text).sessions).toEqual([{ tool: 'teamviewer', direction: 'incoming', start: '2026-03-10T00:00:02.000Z', end: '2026-03-10T02:30:00.000Z', peerId: '222222222', peerAddress: '203.0.113.8', source: 'teamviewer:logfile' }]);
  });

  it('AnyDesk ad_svc.trace (ours, after public write-ups): sessions with id, peer address, end; the relay login on :443 is dropped', () => {
    const { sessions, skipped } = parseAnydeskTrace(fixture('win32', 'anydesk-ad_svc-trace.txt'));
    expect(skipped).toBe(0);
    expect(sessions).toEqual([
      { tool: 'anydesk', direction: 'incoming', start: '2026-03-09T23:52:12.598Z', end: '2026-03-10T03:18:40.775Z', peerId: '417325590', peerAddress: '198.51.100.23', source: 'anydesk:ad_svc.trace' },
      { tool: 'anydesk', direction: 'incoming', start: '2026-03-10T09:02:33.200Z', end: '2026-03-10T09:14:01.000Z', peerId: '1098223344', source: 'anydesk:ad_svc.trace' },
      { tool: 'anydesk', direction: 'outgoing', start: '2026-03-10T11:30:00.500Z', peerId: '562001873', source: 'anydesk:ad_svc.trace' },
    ]);
  });

  it('AnyDesk connection_trace.txt (ours, after AnyDesk\'s documented example): REJECTED is no session, the id wins over an alias', () => {
    const { sessions } = parseAnydeskConnectionTrace(fixture('win32', 'anydesk-connection-trace.txt'));
    expect(sessions.map((s) => [s.direction, s.start, s.peerId])).toEqual([
      ['incoming', '2026-03-09T23:52:00.000Z', '417325590'],
      ['incoming', '2026-03-10T09:02:00.000Z', '1098223344'],
      ['outgoing', '2026-03-10T11:30:00.000Z', '562001873'],
    ]);
    expect(parseAnydeskConnectionTrace('Incoming 2026-13-40, 99:00 User 123456789\n').skipped).toBe(1);
  });

  it('RustDesk server log (ours, after the log lines in RustDesk\'s source): paired by connection number, offset applied, relay port dropped', () => {
    const { sessions } = parseRustdeskLog(fixture('linux', 'rustdesk-server.log'));
    expect(sessions).toEqual([
      { tool: 'rustdesk', direction: 'incoming', start: '2026-03-09T16:41:05.001Z', end: '2026-03-09T19:12:44.550Z', peerAddress: '203.0.113.45', source: 'rustdesk:server-log' },
      { tool: 'rustdesk', direction: 'incoming', start: '2026-03-10T01:00:00.000Z', peerAddress: '10.0.0.5', source: 'rustdesk:server-log' },
      { tool: 'rustdesk', direction: 'incoming', start: '2026-03-10T01:01:00.000Z', source: 'rustdesk:server-log' },
    ]);
  });

  it('Chrome Remote Desktop host events (ours, texts from Chromium\'s host event logger): account as peer id, relayed channel address dropped', () => {
    const { sessions } = parseChromotingLog(fixture('linux', 'chromoting-syslog.txt'), undefined, 2026);
    expect(sessions).toEqual([
      { tool: 'chrome-remote-desktop', direction: 'incoming', start: '2026-03-10T00:05:11.004Z', end: '2026-03-10T03:40:00.000Z', peerId: 'peer.user@example.net', peerAddress: '203.0.113.77', source: 'chrome-remote-desktop:host-log' },
      { tool: 'chrome-remote-desktop', direction: 'incoming', start: '2026-03-10T14:00:01.000Z', peerId: 'second@example.org', source: 'chrome-remote-desktop:host-log' },
    ]);
  });

  it('macOS screensharingd (ours, after its Authentication lines): successes only, with the viewer address', () => {
    const { sessions } = parseScreensharingLog(fixture('darwin', 'screensharingd-log-show.txt'), undefined, 2026);
    expect(sessions).toEqual([
      { tool: 'screen-sharing', direction: 'incoming', start: '2026-03-10T01:14:55.120Z', peerAddress: '203.0.113.90', source: 'macos:screensharingd' },
      { tool: 'screen-sharing', direction: 'incoming', start: '2026-03-10T07:00:00.500Z', peerAddress: '2001:db8::42', source: 'macos:screensharingd' },
    ]);
  });

  it('Windows event records (ours, in the inventory query\'s shape): RDP with its end, 4624 folded into it, console logon left out, CRD via relay', () => {
    const { sessions, skipped } = parseWinRemoteEvents(JSON.parse(fixture('win32', 'remote-logons-events.json')));
    expect(skipped).toBe(1);
    expect(sessions).toEqual([
      { tool: 'rdp', direction: 'incoming', start: '2026-03-10T00:12:03.000Z', end: '2026-03-10T04:40:00.000Z', peerAddress: '198.51.100.61', source: 'windows:terminalservices' },
      { tool: 'chrome-remote-desktop', direction: 'incoming', start: '2026-03-10T09:00:00.000Z', end: '2026-03-10T09:30:00.000Z', peerId: 'peer.user@example.net', source: 'windows:chromoting' },
    ]);
    expect(parseWinRemoteEvents(null)).toEqual({ sessions: [], skipped: 0 });
  });

  it('never throws on garbage, and bounds what it keeps', () => {
    const junk = '\u0000\u00ff'.repeat(1000) + '\nIncoming\nClient connected: \n[2026-99-99 99:99:99 +00:00] X [a] #1 Connection opened from x.\n';
    for (const parse of [parseAnydeskConnectionTrace, parseAnydeskTrace, parseTeamviewerIncoming, parseTeamviewerLog, parseRustdeskLog, parseChromotingLog, parseScreensharingLog]) {
      expect(() => parse(junk)).not.toThrow();
    }
    expect(peerAddressOf('203.0.113.5:443')).toBeUndefined();
    expect(peerAddressOf('203.0.113.5:52000')).toBe('203.0.113.5');
    expect(peerAddressOf('999.1.1.1')).toBeUndefined();
  });
});
