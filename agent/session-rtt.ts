import type { Logger } from 'pino';
import { createContext, type ContextStats } from '../collectors/context.js';
import { withFlowRtt } from '../collectors/network/parse-nettop.js';
import { measureSessionRtt, type SessionPeer } from '../collectors/network/session-rtt.js';
import type { Snapshot } from '../schema/snapshot/index.js';
import type { CollectContext, CollectOptions } from '../collectors/types.js';
import { isLoopback, isWildcard, sessionSockets } from '../rules/remote-access/sockets.js';

/**
 * After the collectors: the RTT of remote-control session sockets on the OSes whose socket table has none (macOS,
 * Windows with the policy's probe). Only when the remote-access catalog finds a session: most cycles fork nothing
 * more. Returns a new snapshot (the rules memoise per snapshot object) with rttMs set and the network notes extended.
 */
export async function withSessionRtt(snapshot: Snapshot, ctx: CollectContext): Promise<Snapshot> {
  if (!snapshot.network || (snapshot.platform !== 'darwin' && snapshot.platform !== 'win32')) return snapshot;
  const peers: SessionPeer[] = [];
  for (const s of sessionSockets(snapshot)) {
    const { socket } = s;
    if (socket.protocol !== 'tcp' || socket.rttMs !== undefined || isWildcard(socket.remoteAddress) || isLoopback(socket.remoteAddress)) continue;
    peers.push({ localPort: socket.localPort, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, outbound: !s.inbound });
  }
  if (peers.length === 0) return snapshot;
  const { rtts, notes } = await measureSessionRtt(ctx, snapshot.platform, peers);
  if (rtts.size === 0 && notes.length === 0) return snapshot;
  const { sockets } = withFlowRtt(snapshot.network.connections, rtts);
  const status = snapshot.collectors.network;
  return {
    ...snapshot,
    network: { ...snapshot.network, connections: sockets },
    collectors: status ? { ...snapshot.collectors, network: { ...status, notes: [...(status.notes ?? []), ...notes] } } : snapshot.collectors,
  };
}

/** The context withSessionRtt runs its one command in: the real OS, like the collectors'. */
export function sessionRttContext(log: Logger, options: CollectOptions, signal: AbortSignal, stats?: ContextStats): CollectContext {
  return createContext({ log: log.child({ step: 'session-rtt' }), signal, options, ...(stats ? { stats } : {}) });
}
