import type { Snapshot } from '../../schema/snapshot/index.js';
import type { RemoteSession, SessionLog } from '../../schema/snapshot/remoteSessions.js';
import { defineRule, type Match, type RuleContext } from '../types.js';
import { normalizePeerId } from '../fleet/shared-operator.js';

/** Local hours counted as night: a session then has nobody at the laptop to accept it, or somebody elsewhere working it. */
export const nightHours = { from: 22, to: 6 } as const;
/** A session this long (minutes) is a work shift, not a support call. */
export const longSessionMinutes = 120;
const maxListed = 10;

/** The snapshot's incoming sessions, less those with the help desk (policy helpdeskPeers). */
export function incomingSessions(snapshot: Snapshot, context: RuleContext): RemoteSession[] {
  const helpdesk = new Set((context.helpdeskPeers ?? []).map(normalizePeerId));
  return (snapshot.remoteSessions?.sessions ?? []).filter((s) => s.direction === 'incoming' && !(s.peerId !== undefined && helpdesk.has(normalizePeerId(s.peerId))));
}

/** The hour (0-23) of an instant in an IANA zone; UTC when the zone is unknown. */
export function localHour(iso: string, timezone: string | undefined): number {
  const date = new Date(iso);
  try {
    const h = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: timezone ?? 'UTC' }).format(date);
    return Number(h) % 24;
  } catch {
    return date.getUTCHours();
  }
}

function isNight(hour: number): boolean {
  return hour >= nightHours.from || hour < nightHours.to;
}

/** Minutes from start to end, or to `now` for a session still open; undefined when unknown. */
function minutesOf(s: RemoteSession, now: Date): number | undefined {
  const start = Date.parse(s.start);
  const end = s.end !== undefined ? Date.parse(s.end) : now.getTime();
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  return Math.round((end - start) / 60_000);
}

function sessionEvidence(s: RemoteSession, hour: number, minutes: number | undefined): Record<string, unknown> {
  return {
    start: s.start, ...(s.end ? { end: s.end } : { open: true }), ...(minutes !== undefined ? { minutes } : {}), localHour: hour,
    ...(s.peerId !== undefined ? { peerId: s.peerId } : {}), ...(s.peerAddress !== undefined ? { peerAddress: s.peerAddress } : {}),
    ...(s.peerCountry ? { peerCountry: s.peerCountry } : {}), source: s.source,
  };
}

const tamperStates: ReadonlySet<SessionLog['state']> = new Set(['shrunk', 'vanished', 'refused']);

export const remoteAccessSessionHistory = defineRule({
  id: 'remote-access.session-history',
  title: 'Remote-control sessions were held since the last report',
  description:
    'Incoming sessions found in the remote tools\' own logs (AnyDesk, TeamViewer, RustDesk, Chrome Remote Desktop) and in the ' +
    'OS\'s records of inbound RDP / Screen Sharing, read since the last reading: sessions between cycles or at night leave no ' +
    'live socket to see. Stronger at night (22:00-06:00 local) and for sessions over 2 hours. A session log that shrank or ' +
    'vanished after holding sessions, or a symbolic link / FIFO in its place, is reported as tampering. Sessions with a ' +
    'policy helpdeskPeers id raise nothing.',
  severity: 'medium', weight: 0.45, group: 'remote-access-history', attack: ['T1219'],
  falsePositives: ['Sanctioned remote support whose peer ids are not in helpdeskPeers', 'The employee reaching their own laptop from home (outgoing from elsewhere, incoming here)'],
  evaluate(snapshot, context): Match[] {
    const out: Match[] = [];
    const tz = snapshot.locale?.timezone;
    const byTool = new Map<string, RemoteSession[]>();
    for (const s of incomingSessions(snapshot, context)) byTool.set(s.tool, [...(byTool.get(s.tool) ?? []), s]);
    for (const [tool, list] of byTool) {
      const facts = list.map((s) => {
        const hour = localHour(s.start, tz);
        const minutes = minutesOf(s, new Date(snapshot.collectedAt));
        return { s, hour, minutes, night: isNight(hour), long: minutes !== undefined && minutes >= longSessionMinutes };
      });
      const night = facts.filter((f) => f.night).length;
      const long = facts.filter((f) => f.long).length;
      const confidence = Math.min(0.9, 0.5 + (night ? 0.2 : 0) + (long ? 0.15 : 0) + (list.length >= 3 ? 0.05 : 0));
      const shown = [...facts].sort((a, b) => Number(b.night) + Number(b.long) - Number(a.night) - Number(a.long)).slice(0, maxListed);
      out.push({
        subject: tool, confidence,
        severity: night || long ? 'high' : 'medium',
        title: `${list.length} incoming ${tool} session${list.length === 1 ? '' : 's'} in its logs${night ? ', at night' : ''}${long ? `, ${long} over ${longSessionMinutes / 60} h` : ''}`,
        evidence: { tool, sessions: list.length, night, long, timezone: tz ?? 'UTC', list: shown.map((f) => sessionEvidence(f.s, f.hour, f.minutes)) },
      });
    }
    const cut = (snapshot.remoteSessions?.logs ?? []).filter((l) => tamperStates.has(l.state));
    for (const log of cut) {
      const tool = log.source.split(':')[0] ?? log.source;
      out.push({
        subject: tool, confidence: log.state === 'refused' ? 0.5 : 0.75, severity: 'high',
        title: log.state === 'refused' ? `A ${tool} session log is not a plain file (${log.reason ?? 'refused'})` : `A ${tool} session log ${log.state} after holding sessions`,
        evidence: { tamper: true, source: log.source, path: log.path, state: log.state, ...(log.reason ? { reason: log.reason } : {}) },
      });
    }
    return out;
  },
});

export const remoteAccessSessionPeerCountry = defineRule({
  id: 'remote-access.session-peer-country',
  title: 'A remote-control session came from outside the expected region',
  description:
    'An incoming session in the remote tools\' logs whose peer address lies in a country outside expected.countries. The ' +
    'country is known only when the policy allows looking the address up (remoteSessionsSendPeerAddress); vendor relays ' +
    'are dropped before, so the country is the peer\'s own (or its VPN exit\'s). Sessions with a helpdeskPeers id raise nothing.',
  severity: 'high', weight: 0.6, group: 'remote-access-history', attack: ['T1219'],
  falsePositives: ['Sanctioned support staff abroad whose ids are not in helpdeskPeers', 'The employee on a trip, connecting to their own laptop'],
  evaluate(snapshot, context): Match[] {
    const expected = new Set(context.expected.countries);
    if (expected.size === 0) return [];
    const byTool = new Map<string, RemoteSession[]>();
    for (const s of incomingSessions(snapshot, context)) {
      if (s.peerCountry === undefined || expected.has(s.peerCountry)) continue;
      byTool.set(s.tool, [...(byTool.get(s.tool) ?? []), s]);
    }
    return [...byTool].map(([tool, list]) => ({
      subject: tool, confidence: 0.75,
      title: `${tool} session from ${[...new Set(list.map((s) => s.peerCountry))].join(', ')}, outside ${[...expected].join(', ')}`,
      evidence: {
        tool, expected: [...expected], countries: [...new Set(list.map((s) => s.peerCountry))],
        list: list.slice(0, maxListed).map((s) => ({ start: s.start, peerCountry: s.peerCountry, ...(s.peerAsn !== undefined ? { peerAsn: s.peerAsn } : {}), ...(s.peerId !== undefined ? { peerId: s.peerId } : {}), ...(s.peerAddress !== undefined ? { peerAddress: s.peerAddress } : {}), source: s.source })),
      },
    }));
  },
});
