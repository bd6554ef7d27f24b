import { defineRule, type Match, type RuleContext } from '../types.js';
import { remotePresence } from './presence.js';
import { sessionSockets, socketEvidence, type SessionSocket } from './sockets.js';
import { round } from './tool-rules.js';
import { countriesOfZones, sessionRttBound } from './rtt-bounds.js';
import { countryZones } from '../geo/data.js';
import type { Snapshot } from '../../schema/snapshot/index.js';

function bySubject(list: SessionSocket[]): Map<string, SessionSocket[]> {
  const out = new Map<string, SessionSocket[]>();
  for (const s of list) out.set(s.subject, [...(out.get(s.subject) ?? []), s]);
  return out;
}
function nameOf(snapshot: Snapshot, subject: string): string {
  return remotePresence(snapshot).tools.get(subject)?.entry.name ?? subject.toUpperCase();
}

export const remoteAccessSession = defineRule({
  id: 'remote-access.session',
  title: 'A remote-control session is connected',
  description: 'An established TCP connection (or connected UDP flow) owned by a catalogued remote-access process, or an inbound connection on a port used only for remote control (RDP 3389, VNC 5900-5909, TeamViewer 5938, RustDesk 21115-21119), loopback included because tunnelled sessions arrive that way.',
  severity: 'high', weight: 0.55, group: 'remote-access-session', attack: ['T1219', 'T1133'],
  falsePositives: ['Sanctioned remote support in progress (allow.tools)', 'A relay/keep-alive connection of an idle tool (relays use 443)'],
  evaluate(snapshot): Match[] {
    const procs = new Map((snapshot.processes ?? []).map((p) => [p.pid, p.name]));
    const out: Match[] = [];
    for (const [subject, list] of bySubject(sessionSockets(snapshot))) {
      const owned = list.some((s) => s.owned);
      out.push({
        subject, confidence: Math.max(...list.map((s) => s.confidence)),
        title: owned ? `${nameOf(snapshot, subject)} has a connected session` : `Inbound ${subject.toUpperCase()} connection`,
        evidence: {
          ...(owned ? {} : { note: 'no catalogued process owns this socket; matched by a remote-control port' }),
          inbound: list.some((s) => s.inbound), count: list.length,
          sockets: list.slice(0, 10).map((s) => socketEvidence(s.socket, s.socket.pid !== undefined ? procs.get(s.socket.pid) : undefined)),
        },
      });
    }
    return out;
  },
});

/** The RTT above which a remote-control peer is outside the expected region; undefined when nothing is configured. */
export function sessionRttThreshold(context: RuleContext): { ms: number; basis: string } | undefined {
  if (context.latency.maxSessionRttMs !== undefined) return { ms: context.latency.maxSessionRttMs, basis: 'latency.maxSessionRttMs' };
  const bound = sessionRttBound(context.expected.countries);
  if (bound) return { ms: bound.ms, basis: `expected.countries ${bound.countries.join(',')}` };
  // No countries: the expected time zones name them (an "America/*" fleet gets the widest American bound).
  const byZone = sessionRttBound(countriesOfZones(context.expected.timezones, countryZones()));
  if (!byZone) return undefined;
  const shown = byZone.countries.length > 8 ? `${byZone.countries.slice(0, 8).join(',')},…` : byZone.countries.join(',');
  return { ms: byZone.ms, basis: `expected.timezones ${context.expected.timezones.join(',')} (countries ${shown})` };
}

export const networkSessionRtt = defineRule({
  id: 'network.session-rtt',
  title: 'Remote-control peer is farther away than the expected region',
  description: 'The kernel RTT of a remote-control socket exceeds latency.maxSessionRttMs or, when unset, a bound derived from expected.countries, or from the countries of expected.timezones (about 100 km per ms of RTT, stretched for routing, plus access overhead). Light in fibre bounds distance, so a large RTT puts the peer (or its VPN exit) far away. Quiet when none is configured.',
  severity: 'high', weight: 0.6, group: 'session-latency', attack: ['T1219'],
  falsePositives: ['A congested or satellite link', 'A relay server abroad when the tool relays the session (RTT then measures the relay)'],
  evaluate(snapshot, context): Match[] {
    const threshold = sessionRttThreshold(context);
    if (!threshold) return [];
    const out: Match[] = [];
    for (const [subject, list] of bySubject(sessionSockets(snapshot))) {
      const slow = list.filter((s) => s.socket.rttMs !== undefined && s.socket.rttMs > threshold.ms);
      if (slow.length === 0) continue;
      const worst = Math.max(...slow.map((s) => s.socket.rttMs as number));
      const over = worst / threshold.ms;
      out.push({
        subject, confidence: round(Math.min(0.9, (over >= 1.5 ? 0.8 : 0.6) * Math.max(...slow.map((s) => s.confidence)) / 0.9)),
        evidence: { rttMs: worst, thresholdMs: threshold.ms, basis: threshold.basis, sockets: slow.slice(0, 10).map((s) => socketEvidence(s.socket)) },
      });
    }
    return out;
  },
});

export const networkRegionLatency = defineRule({
  id: 'network.region-latency',
  title: 'Probe RTTs do not fit the expected region',
  description: 'A TCP-connect probe to a configured anchor took longer than the anchor\'s expectedMaxRttMs: the laptop (or its traffic, through a VPN) is farther from the anchor than its region allows.',
  severity: 'medium', weight: 0.3, group: 'region-latency', attack: ['T1090'],
  falsePositives: ['A slow or congested network at the time of the probe', 'A company VPN that hairpins traffic'],
  evaluate(snapshot, context): Match[] {
    const out: Match[] = [];
    for (const probe of snapshot.network?.probes ?? []) {
      if (probe.rttMs === null) continue;
      const anchor = context.latency.anchors.find((a) => a.host === probe.host && a.port === probe.port);
      if (anchor?.expectedMaxRttMs === undefined || probe.rttMs <= anchor.expectedMaxRttMs) continue;
      out.push({
        confidence: probe.rttMs > 2 * anchor.expectedMaxRttMs ? 0.8 : 0.5,
        evidence: { host: probe.host, port: probe.port, rttMs: probe.rttMs, expectedMaxRttMs: anchor.expectedMaxRttMs },
      });
    }
    return out;
  },
});
