import type { DisplayAdapter } from '../../schema/snapshot/displays.js';
import { defineRule, type Match } from '../types.js';
import type { VirtualDisplayEntry } from '../catalog/schemas/virtual-displays.js';
import { deviceCatalogs } from './catalogs.js';
import { edidEvidence } from './edid-facts.js';
import { matchEdid } from './match.js';

const lower = (s: string): string => s.trim().toLowerCase();

/** Which of the adapter's facts the entry names: exact name, hardware id (or an instance path under it), driver. */
function adapterHit(entry: VirtualDisplayEntry, a: DisplayAdapter): Record<string, string> | null {
  const name = lower(a.name);
  if (entry.adapterNames.some((n) => lower(n) === name)) return { name: a.name };
  if (a.hardwareId !== undefined) {
    const hwid = lower(a.hardwareId);
    if (entry.hardwareIds.some((h) => hwid === lower(h) || hwid.startsWith(`${lower(h)}\\`))) return { hardwareId: a.hardwareId };
  }
  if (a.driver !== undefined) {
    const driver = lower(a.driver);
    if (entry.drivers.some((d) => lower(d) === driver)) return { driver: a.driver };
  }
  return null;
}

function severityFor(confidence: number): 'medium' | 'low' {
  return confidence >= 0.8 ? 'medium' : 'low';
}

export const displayVirtualAdapter = defineRule({
  id: 'display.virtual-adapter',
  title: 'A virtual display adapter for remote access is present',
  description:
    'A display adapter or monitor EDID of a virtual display that remote-access and streaming tools install (Parsec VDA, ' +
    'RustDesk IDD, Virtual Display Driver MttVDD, IddSampleDriver, SudoVDA, Chrome Remote Desktop\'s virtual session): ' +
    'it gives a remote operator a screen on a laptop whose lid is shut or whose monitor is a KVM. DisplayLink docks ' +
    'are real monitors and do not match.',
  severity: 'medium',
  weight: 0.5,
  group: 'display',
  attack: ['T1219'],
  falsePositives: [
    'Game streaming to one\'s own devices (Sunshine/Moonlight, Parsec for gaming)',
    'A sanctioned remote-support tool\'s display driver (allow-list its tool id)',
    'RDP and Citrix adapters on machines used through sanctioned virtual desktops (low confidence)',
  ],
  evaluate(snapshot) {
    const entries = deviceCatalogs().virtualDisplays.entries;
    const out: Match[] = [];
    for (const adapter of snapshot.displays?.adapters ?? []) {
      const entry = entries.find((e) => adapterHit(e, adapter) !== null);
      if (!entry) continue;
      const evidence: Record<string, unknown> = { adapter: adapter.name, catalog: entry.id, matched: adapterHit(entry, adapter) };
      if (adapter.hardwareId !== undefined) evidence.hardwareId = adapter.hardwareId;
      if (adapter.driver !== undefined) evidence.driver = adapter.driver;
      if (entry.notes !== undefined) evidence.note = entry.notes;
      out.push({ confidence: entry.confidence, subject: entry.tool ?? entry.id, title: `Virtual display adapter: ${entry.name}`, severity: severityFor(entry.confidence), evidence });
    }
    for (const connector of snapshot.displays?.connectors ?? []) {
      if (!connector.edid) continue;
      for (const entry of entries) {
        const hit = matchEdid(entry.edid, connector.edid);
        if (!hit) continue;
        const confidence = Math.min(entry.confidence, hit.confidence);
        out.push({
          confidence,
          subject: entry.tool ?? entry.id,
          title: `Virtual display monitor: ${entry.name}`,
          severity: severityFor(confidence),
          evidence: { ...edidEvidence(connector), catalog: entry.id, matched: hit.matched, ...(hit.note ? { note: hit.note } : {}) },
        });
        break;
      }
    }
    return out;
  },
});
