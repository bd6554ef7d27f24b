import { defineRule, type Match } from '../types.js';
import { deviceCatalogs } from './catalogs.js';
import { edidEvidence } from './edid-facts.js';
import { matchEdid } from './match.js';

export const ipkvmEdid = defineRule({
  id: 'ipkvm.edid',
  title: 'The laptop sees an IP-KVM or HDMI capture device as its monitor',
  description:
    'A display connector reports an EDID (manufacturer id and product code, monitor name, or serial string) that an ' +
    'IP-KVM or HDMI-capture bridge presents: PiKVM (LNX "PiKVM"), TinyPilot (TSB "TinyPilot"), JetKVM (TSB ' +
    '"T749-fHD720"), NanoKVM, BliKVM, or the exact clones of real monitors those devices ship.',
  severity: 'high',
  weight: 0.9,
  group: 'ipkvm',
  attack: ['T1219.003', 'T1200'],
  falsePositives: [
    'HDMI capture cards used for streaming or testing (HDMI TO USB, Toshiba HDMI-to-CSI bridges)',
    'A company-owned IP-KVM in a lab',
  ],
  evaluate(snapshot) {
    const entries = deviceCatalogs().ipkvm.entries;
    const out: Match[] = [];
    for (const connector of snapshot.displays?.connectors ?? []) {
      if (!connector.edid) continue;
      let best: Match | null = null;
      for (const entry of entries) {
        const hit = matchEdid(entry.edid, connector.edid);
        if (!hit || (best && best.confidence >= hit.confidence)) continue;
        best = {
          confidence: hit.confidence,
          subject: entry.id,
          title: entry.kind === 'capture'
            ? `An HDMI capture device (${entry.name}) is this laptop's monitor`
            : `${entry.name} is this laptop's monitor (EDID)`,
          evidence: { ...edidEvidence(connector), catalog: entry.id, matched: hit.matched, ...(hit.note ? { note: hit.note } : {}) },
        };
        if (entry.kind === 'capture') best.severity = 'medium';
      }
      if (best) out.push(best);
    }
    return out;
  },
});
