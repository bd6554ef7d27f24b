import { isIP } from 'node:net';
import { errorCodeOf } from '../errors.js';
import { darwinTools, windowsTool } from '../programs.js';
import type { CollectContext } from '../types.js';
import { flowKey, parseNettop } from './parse-nettop.js';
import { parsePingWin } from './parse-ping-win.js';
import { probeTcp } from './probes.js';

/**
 * The RTT of remote-control sessions on the OSes whose socket table has none: called once per cycle, and only
 * when the cycle found a session socket (the agent decides that with the remote-access catalog).
 * macOS: one `nettop` sample, the kernel's smoothed RTT per flow. Windows: an opt-in probe of each session's peer
 * (a few ICMP echoes through PING.EXE, else TCP connects to the peer's port), at most `maxPeers` peers.
 */
export interface SessionPeer {
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The session reached the peer's port (outbound): a TCP connect there is meaningful. */
  outbound: boolean;
}

export const nettopArgs = ['-m', 'tcp', '-L', '1', '-n', '-x', '-J', 'state,rtt_avg'] as const;
/** Three echoes, one second each at most: the argument list is fixed but for the peer, an IP literal checked first. */
export const pingArgs = (ip: string): string[] => ['-n', '3', '-w', '1000', ip];
export const maxPeers = 3;
const TCP_SAMPLES = 3;

export interface SessionRtt {
  /** flowKey → RTT in ms. */
  rtts: Map<string, number>;
  notes: string[];
}

async function fromNettop(ctx: CollectContext, peers: readonly SessionPeer[]): Promise<SessionRtt> {
  const wanted = new Set(peers.map(flowKey));
  let text: string;
  try {
    text = await ctx.exec(darwinTools.nettop, nettopArgs, { timeoutMs: 5_000, maxBuffer: 8 << 20 });
  } catch (err) {
    return { rtts: new Map(), notes: [`session RTT not measured: nettop failed (${errorCodeOf(err)})`] };
  }
  const { flows, skipped } = parseNettop(text);
  const rtts = new Map<string, number>();
  for (const f of flows) if (f.rttMs !== undefined && wanted.has(flowKey(f))) rtts.set(flowKey(f), f.rttMs);
  const notes = [`session RTT from nettop rtt_avg: ${rtts.size} of ${wanted.size} session socket(s) measured`];
  if (skipped) notes.push(`nettop: ${skipped} line(s) not understood, skipped`);
  return { rtts, notes };
}

async function pingPeer(ctx: CollectContext, ip: string): Promise<number | undefined> {
  try {
    const { samplesMs } = parsePingWin(await ctx.exec(windowsTool('PING.EXE', ctx.env), pingArgs(ip), { timeoutMs: 6_000 }));
    return samplesMs.length ? Math.min(...samplesMs) : undefined;
  } catch (err) {
    // PING.EXE exits 1 when no echo came back: a firewall that drops ICMP, not an error of ours.
    const stdout = (err as { stdout?: unknown }).stdout;
    const { samplesMs } = parsePingWin(typeof stdout === 'string' ? stdout : '');
    return samplesMs.length ? Math.min(...samplesMs) : undefined;
  }
}

async function connectPeer(ctx: CollectContext, ip: string, port: number): Promise<number | undefined> {
  const samples: number[] = [];
  for (let i = 0; i < TCP_SAMPLES; i++) {
    const p = await probeTcp(ip, port, { timeoutMs: 2_000, signal: ctx.signal });
    if (p.rttMs !== null) samples.push(p.rttMs);
  }
  return samples.length ? Math.min(...samples) : undefined;
}

async function fromProbe(ctx: CollectContext, peers: readonly SessionPeer[]): Promise<SessionRtt> {
  const notes: string[] = [];
  const byIp = new Map<string, SessionPeer[]>();
  for (const p of peers) {
    const ip = p.remoteAddress.replace(/^\[|\]$/g, '').replace(/^::ffff:(?=\d+\.)/i, '');
    if (isIP(ip) === 0) continue;
    byIp.set(ip, [...(byIp.get(ip) ?? []), p]);
  }
  const ips = [...byIp.keys()].slice(0, maxPeers);
  if (byIp.size > ips.length) notes.push(`session peer probe: ${byIp.size - ips.length} peer(s) beyond the first ${maxPeers} not probed`);
  const rtts = new Map<string, number>();
  const how: string[] = [];
  await Promise.all(ips.map(async (ip) => {
    const list = byIp.get(ip)!;
    let rtt = await pingPeer(ctx, ip);
    let by = 'ICMP echo';
    const out = list.find((p) => p.outbound);
    if (rtt === undefined && out) { rtt = await connectPeer(ctx, ip, out.remotePort); by = `TCP connect to port ${out.remotePort}`; }
    if (rtt === undefined) { how.push(`${ip}: no answer`); return; }
    how.push(`${ip}: ${by}`);
    for (const p of list) rtts.set(flowKey(p), rtt);
  }));
  notes.push(`session RTT by probing the remote peer (device policy sessionRttProbe): ${how.sort().join('; ') || 'no peer with an IP address'}`);
  return { rtts, notes };
}

/** Measures what the OS allows; never throws (a failure is a note). */
export async function measureSessionRtt(ctx: CollectContext, platform: NodeJS.Platform | string, peers: readonly SessionPeer[]): Promise<SessionRtt> {
  if (peers.length === 0) return { rtts: new Map(), notes: [] };
  try {
    if (platform === 'darwin') return await fromNettop(ctx, peers);
    if (platform === 'win32') {
      if (ctx.options.sessionRttProbe !== true) return { rtts: new Map(), notes: [] };
      return await fromProbe(ctx, peers);
    }
    return { rtts: new Map(), notes: [] };
  } catch (err) {
    return { rtts: new Map(), notes: [`session RTT not measured: ${(err as Error).message}`] };
  }
}
