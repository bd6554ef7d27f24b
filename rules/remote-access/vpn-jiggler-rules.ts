import { catalogs } from '../catalog/index.js';
import { defineRule, type Match } from '../types.js';
import { evidenceOf, presenceOf } from './presence.js';
import { round } from './tool-rules.js';

export const networkVpn = defineRule({
  id: 'network.vpn',
  title: 'VPN client present',
  description: 'A consumer VPN (Astrill above all: named in the DPRK IT-worker reporting) runs, is installed, or has its tunnel interface up. Mesh VPNs (Tailscale, ZeroTier, NetBird) score lower: companies use them.',
  severity: 'medium', weight: 0.45, group: 'vpn', attack: ['T1090'],
  falsePositives: ['Privacy-minded employees on a personal consumer VPN', 'Mesh VPNs the company runs (allow.tools)'],
  evaluate(snapshot): Match[] {
    const cat = catalogs();
    const found = presenceOf(snapshot, cat.vpn);
    const ifaces = new Map<string, { name: string; up: boolean; strong: boolean }[]>();
    for (const i of snapshot.network?.interfaces ?? []) {
      for (const hit of cat.vpnInterfaces.lookup(i.name)) {
        ifaces.set(hit.id, [...(ifaces.get(hit.id) ?? []), { name: i.name, up: i.up, strong: hit.strength === 'strong' }]);
      }
    }
    const ids = new Set([...[...found].filter(([, p]) => p.confirmed).map(([id]) => id), ...ifaces.keys()]);
    const out: Match[] = [];
    for (const id of ids) {
      const vpn = cat.vpn.byId.get(id);
      if (!vpn) continue;
      const p = found.get(id);
      const confirmedSoftware = p?.confirmed ?? false;
      const iface = ifaces.get(id) ?? [];
      // A weak interface name (wt0, zt*) alone is not enough.
      if (!confirmedSoftware && !iface.some((i) => i.strong)) continue;
      const running = confirmedSoftware && (p?.running.length ?? 0) > 0;
      const tunnelUp = iface.some((i) => i.up);
      let confidence = vpn.kind === 'mesh' ? 0.25 : id === 'astrill' ? 1 : 0.6;
      if (!running && !tunnelUp) confidence *= 0.6;
      out.push({
        subject: id, confidence: round(confidence),
        title: `${vpn.name} ${running || tunnelUp ? 'is active' : 'is installed'}`,
        ...(vpn.kind === 'mesh' ? { severity: 'low' as const } : {}),
        evidence: {
          vpn: vpn.name, kind: vpn.kind,
          ...(p?.running.length ? { processes: evidenceOf(p.running) } : {}),
          ...(p?.installed.length ? { installed: evidenceOf(p.installed) } : {}),
          ...(iface.length ? { interfaces: iface.map(({ name, up }) => ({ name, up })) } : {}),
        },
      });
    }
    return out;
  },
});

export const jigglerSoftware = defineRule({
  id: 'jiggler.software',
  title: 'Mouse-jiggler or keep-awake software',
  description: 'Software that moves the pointer to fake presence (Move Mouse, Mouse Jiggler, Jiggler) runs or is installed; keep-awake tools (Caffeine, Amphetamine, PowerToys Awake) count weakly since ordinary users want them too.',
  severity: 'medium', weight: 0.4, group: 'jiggler', attack: ['T1219'],
  falsePositives: ['Keep-awake tools used during presentations or long builds'],
  evaluate(snapshot): Match[] {
    const out: Match[] = [];
    for (const [id, p] of presenceOf(snapshot, catalogs().jigglers)) {
      if (!p.confirmed) continue;
      const running = p.running.length > 0;
      const base = p.entry.kind === 'jiggler' ? 0.8 : 0.3;
      out.push({
        subject: id, confidence: round(base * (running ? 1 : 0.6)),
        ...(p.entry.kind === 'keep-awake' ? { severity: 'low' as const } : {}),
        title: `${p.entry.name} ${running ? 'is running' : 'is installed'}`,
        evidence: {
          tool: p.entry.name, kind: p.entry.kind,
          ...(running ? { processes: evidenceOf(p.running) } : {}),
          ...(p.installed.length ? { installed: evidenceOf(p.installed) } : {}),
        },
      });
    }
    return out;
  },
});
