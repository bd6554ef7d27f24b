import { canonicalIp } from './ip.js';

export interface SsRtt {
  /** Smoothed RTT in ms keyed by socketKey(local, localPort, remote, remotePort). */
  rtt: Map<string, number>;
  /** Socket lines whose addresses could not be read, or info lines with no socket before them. */
  skipped: number;
}

/** The key both /proc rows and ss lines map to: canonical addresses, ports. */
export function socketKey(local: string, localPort: number, remote: string, remotePort: number): string {
  return `${local}|${localPort}|${remote}|${remotePort}`;
}

// "[::1]:55132", "127.0.0.1:58184", "127.0.0.53%lo:53", "[fe80::1%eth0]:22"
function endpoint(text: string): { ip: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m) return undefined;
  const ip = canonicalIp(m[1]!);
  const port = Number(m[2]);
  return ip && port <= 65535 ? { ip, port } : undefined;
}

/**
 * Parses `ss -tinH` (iproute2): one line per socket "STATE RECV-Q SEND-Q LOCAL PEER",
 * followed by an indented line of TCP info holding "rtt:<srtt>/<rttvar>" in ms.
 */
export function parseSsTcpInfo(text: string): SsRtt {
  const rtt = new Map<string, number>();
  let skipped = 0;
  let current: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (current === undefined) {
        skipped++;
        continue;
      }
      const m = /(?:^|\s)rtt:(\d+(?:\.\d+)?)\/\d+(?:\.\d+)?/.exec(line);
      if (m) rtt.set(current, Number(m[1]));
      current = undefined;
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'tcp') fields.shift(); // Netid column, printed by some versions
    const local = fields[3] === undefined ? undefined : endpoint(fields[3]);
    const peer = fields[4] === undefined ? undefined : endpoint(fields[4]);
    if (!local || !peer || !/^\d+$/.test(fields[1] ?? '')) {
      current = undefined;
      skipped++;
      continue;
    }
    current = socketKey(local.ip, local.port, peer.ip, peer.port);
  }
  return { rtt, skipped };
}
