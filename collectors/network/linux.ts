import { failure } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { readConnections } from './linux-connections.js';
import { readIdentity } from './linux-identity.js';
import { readInterfaces, type AddressSource } from './linux-interfaces.js';
import { runProbes } from './probes.js';
import type { Network } from '../../schema/snapshot/network.js';
import type { ProcFds } from './socket-owners.js';

/** What the Linux source takes from outside ctx (tests replace these). */
export interface LinuxDeps {
  proc?: ProcFds;
  addresses?: AddressSource;
}

export function collect(ctx: CollectContext): Promise<CollectResult<Network>> {
  return collectLinux(ctx);
}

/** Linux network domain: /proc/net, /sys/class/net, os.networkInterfaces(), one `ss -tinH`, `iw` only with Wi-Fi. */
export async function collectLinux(ctx: CollectContext, deps: LinuxDeps = {}): Promise<CollectResult<Network>> {
  const notes: string[] = [];
  try {
    const [connections, ifaces, probes] = await Promise.all([
      readConnections(ctx, deps.proc),
      readInterfaces(ctx, deps.addresses, notes),
      runProbes(ctx.options.probeAnchors, { signal: ctx.signal }),
    ]);
    if (connections.sockets === undefined) return failure(connections.error, 'no /proc/net socket table readable');
    const identity = await readIdentity(ctx, ifaces.wireless, notes);
    return {
      status: 'ok',
      data: { connections: connections.sockets, interfaces: ifaces.interfaces, identity, probes },
      notes: [...connections.notes, ...notes],
    };
  } catch (err) {
    return failure(err, 'network');
  }
}
