import type { Socket } from '../../schema/snapshot/network.js';

/**
 * Pure parser of macOS `nettop -m tcp -L 1 -n -x -J state,rtt_avg` (CSV, one sample). The header names the columns
 * ("time,,state,rtt_avg,"; the unnamed column holds the row's name); a process row's name is "<process>.<pid>",
 * each of its flows follows it as "tcp4 <local>:<port><-><remote>:<port>" (IPv6: "tcp6 <addr>.<port><->…").
 * rtt_avg is the kernel's smoothed RTT of the flow, printed like "182.41 ms". Unreadable rows are counted, not thrown.
 */
export interface NettopFlow {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state?: string;
  rttMs?: number;
  process?: string;
  pid?: number;
}

function endpoint(text: string, family: 4 | 6): { address: string; port: number } | undefined {
  // IPv4 "a.b.c.d:port"; IPv6 "addr.port" (nettop's form) or "[addr]:port"; "*" for no address.
  const m = family === 4 ? /^(.+):(\d+|\*)$/.exec(text) : /^\[?(.+?)\]?[.:](\d+|\*)$/.exec(text);
  if (!m) return undefined;
  const port = m[2] === '*' ? 0 : Number(m[2]);
  if (!Number.isInteger(port) || port > 65535) return undefined;
  return { address: m[1]!.replace(/%[^%]*$/, ''), port };
}

/** "182.41 ms" → 182.41; "1.2 s" → 1200; "" or "-" → undefined. */
export function nettopDurationMs(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|\u00b5s|ms|s)?\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const ms = unit === 's' ? n * 1000 : unit === 'ms' ? n : n / 1000;
  return Math.round(ms * 100) / 100;
}

export function parseNettop(text: string): { flows: NettopFlow[]; skipped: number } {
  const flows: NettopFlow[] = [];
  let skipped = 0;
  let cols: string[] | undefined;
  let owner: { process: string; pid: number } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const fields = line.split(',');
    if (!cols || fields.includes('rtt_avg')) {
      if (fields.includes('rtt_avg')) cols = fields;
      else skipped++;
      continue;
    }
    const nameAt = cols.indexOf('') >= 0 ? cols.indexOf('') : cols[0] === 'time' ? 1 : 0;
    const name = (fields[nameAt] ?? '').trim();
    const flow = /^tcp([46])\s+(\S+)<->(\S+)$/.exec(name);
    if (!flow) {
      const p = /^(.*)\.(\d+)$/.exec(name);
      if (p) owner = { process: p[1]!, pid: Number(p[2]) };
      else skipped++;
      continue;
    }
    const family = flow[1] === '6' ? 6 : 4;
    const local = endpoint(flow[2]!, family), remote = endpoint(flow[3]!, family);
    if (!local || !remote) { skipped++; continue; }
    const state = fields[cols.indexOf('state')]?.trim();
    const rttMs = nettopDurationMs(fields[cols.indexOf('rtt_avg')]);
    flows.push({
      family, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port,
      ...(state ? { state } : {}), ...(rttMs !== undefined ? { rttMs } : {}), ...(owner ? { process: owner.process, pid: owner.pid } : {}),
    });
  }
  return { flows, skipped };
}

const bare = (a: string): string => a.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '').toLowerCase();

/** The key a socket and a measured flow share: TCP, both ports and the remote address. */
export const flowKey = (f: { localPort: number; remoteAddress: string; remotePort: number }): string =>
  `${f.localPort}|${bare(f.remoteAddress)}|${f.remotePort}`;

/** Sockets with rttMs set from the flows that match them; the count of sockets given an RTT. */
export function withFlowRtt(sockets: readonly Socket[], rtts: ReadonlyMap<string, number>): { sockets: Socket[]; matched: number } {
  let matched = 0;
  const out = sockets.map((s) => {
    if (s.protocol !== 'tcp' || s.rttMs !== undefined) return s;
    const rtt = rtts.get(flowKey(s));
    if (rtt === undefined) return s;
    matched++;
    return { ...s, rttMs: rtt };
  });
  return { sockets: out, matched };
}
