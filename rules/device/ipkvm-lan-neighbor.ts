import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { macHasPrefix, normalizeMac } from './match.js';

export const ipkvmLanNeighbor = defineRule({
  id: 'ipkvm.lan-neighbor',
  title: 'An IP-KVM maker\'s device is on the local network',
  description:
    'A MAC address in the neighbour table (read passively, never scanned) starts with a prefix of an IP-KVM maker: ' +
    'JetKVM 30:52:53, TinyPilot 04:c9:8b:1, NanoKVM 48:da:35:6e, GL.iNet 94:83:c4; Raspberry Pi prefixes count only ' +
    'weakly, since most Pis are no KVM.',
  severity: 'medium',
  weight: 0.6,
  group: 'ipkvm',
  attack: ['T1219.003', 'T1200'],
  falsePositives: [
    'GL.iNet travel or home routers (same OUI as the Comet KVM)',
    'Ordinary Raspberry Pis on the network',
    'A KVM that serves another machine on a shared network',
  ],
  evaluate(snapshot) {
    const prefixes = deviceCatalogs().macPrefixes.entries.filter((e) => e.where === 'neighbor');
    const seen = new Set<string>();
    const out: Match[] = [];
    for (const n of snapshot.network?.identity.neighbors ?? []) {
      const mac = normalizeMac(n.mac);
      if (mac === null || seen.has(mac)) continue;
      const entry = prefixes.find((e) => macHasPrefix(mac, e.prefix));
      if (!entry) continue;
      seen.add(mac);
      const m: Match = {
        confidence: entry.confidence,
        subject: entry.id,
        evidence: {
          ip: n.ip, mac: n.mac, prefix: entry.prefix, maker: entry.maker,
          ...(n.interface !== undefined ? { interface: n.interface } : {}),
          ...(entry.note !== undefined ? { note: entry.note } : {}),
        },
      };
      if (entry.confidence < 0.5) m.severity = 'low';
      out.push(m);
    }
    return out;
  },
});
