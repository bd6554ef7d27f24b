import type { Socket } from '../../schema/snapshot/network.js';
import type { Snapshot } from '../../schema/snapshot/index.js';
import { remoteControlPortRange } from '../catalog/index.js';
import { remotePresence } from './presence.js';

export interface SessionSocket {
  socket: Socket;
  /** Catalog id of the owning tool, or of the port's tool/service when no catalogued process owns it. */
  subject: string;
  owned: boolean;
  inbound: boolean;
  confidence: number;
}

const established = new Set(['ESTABLISHED', 'ESTAB']);
// Clients that forward a local port outward (ssh -L): the listener they own is not an inbound session.
const forwarders = new Set(['ssh', 'autossh', 'plink', 'putty', 'kitty']);

export function isWildcard(addr: string): boolean {
  return addr === '' || addr === '*' || addr === '0.0.0.0' || addr === '::' || addr === '[::]';
}
export function isLoopback(addr: string): boolean {
  const a = addr.replace(/^\[|\]$/g, '').toLowerCase();
  return a.startsWith('127.') || a === '::1' || a.startsWith('::ffff:127.') || a === 'localhost';
}

function active(s: Socket): boolean {
  const state = s.state.toUpperCase();
  if (s.protocol === 'tcp') return established.has(state);
  return (established.has(state) || state === 'CONNECTED') && !isWildcard(s.remoteAddress) && s.remotePort !== 0;
}

const memo = new WeakMap<Snapshot, SessionSocket[]>();

/**
 * Sockets that carry a remote-control session: established (TCP) or connected (UDP) and owned by a confirmed
 * catalogued tool; or inbound (ESTABLISHED on a local listening port) on a port used only for remote control,
 * at lower confidence when no catalogued process owns it. Loopback peers count for inbound sessions (tunnels
 * arrive that way) but not for a tool's own IPC between its processes.
 */
export function sessionSockets(snapshot: Snapshot): SessionSocket[] {
  const cached = memo.get(snapshot);
  if (cached) return cached;
  const { pidTool, catalogs } = remotePresence(snapshot);
  const sockets = snapshot.network?.connections ?? [];
  const listening = new Set<string>();
  const byLocal = new Map<string, Socket>();
  for (const s of sockets) {
    if (s.protocol === 'tcp' && s.state.toUpperCase() === 'LISTEN') listening.add(`${s.family}:${s.localPort}`);
    byLocal.set(`${s.localAddress}:${s.localPort}`, s);
  }
  const procName = new Map((snapshot.processes ?? []).map((p) => [p.pid, p.name]));
  const out: SessionSocket[] = [];
  for (const s of sockets) {
    if (!active(s)) continue;
    const inbound = s.protocol === 'tcp' && (listening.has(`4:${s.localPort}`) || listening.has(`6:${s.localPort}`));
    const owner = s.pid !== undefined ? pidTool.get(s.pid) : undefined;
    if (owner) {
      if (isLoopback(s.remoteAddress)) {
        const peer = byLocal.get(`${s.remoteAddress}:${s.remotePort}`);
        const peerTool = peer?.pid !== undefined ? pidTool.get(peer.pid) : undefined;
        if (peerTool === owner || !inbound) continue; // the tool talking to itself, or an outbound loopback hop
      }
      out.push({ socket: s, subject: owner, owned: true, inbound, confidence: 0.9 });
      continue;
    }
    if (!inbound) continue;
    const range = remoteControlPortRange(s.localPort, catalogs.remoteControlPorts);
    if (!range) continue;
    const name = (s.pid !== undefined ? procName.get(s.pid) : undefined) ?? s.process;
    if (name && forwarders.has(name.toLowerCase().replace(/\.exe$/, ''))) continue;
    out.push({ socket: s, subject: range.tool ?? range.service.split(' ')[0]!.toLowerCase(), owned: false, inbound, confidence: 0.5 });
  }
  memo.set(snapshot, out);
  return out;
}

export function socketEvidence(s: Socket, processName?: string): Record<string, unknown> {
  return {
    protocol: s.protocol, local: `${s.localAddress}:${s.localPort}`, remote: `${s.remoteAddress}:${s.remotePort}`, state: s.state,
    ...(s.pid !== undefined ? { pid: s.pid } : {}), ...(processName ?? s.process ? { process: processName ?? s.process } : {}),
    ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}),
  };
}
