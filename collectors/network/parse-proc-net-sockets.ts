import { ipv4FromProcHex, ipv6FromProcHex } from './ip.js';
import type { Socket } from '../../schema/snapshot/network.js';

/** One row of /proc/net/{tcp,tcp6,udp,udp6}, before the owning process is known. */
export type ProcSocket = Omit<Socket, 'pid' | 'process' | 'rttMs'> & { uid: number; inode: number };

export interface ParsedSockets {
  sockets: ProcSocket[];
  /** Lines that were neither the header nor a well-formed row (truncated, garbage). */
  skipped: number;
}

// include/net/tcp_states.h
const tcpStates: Record<number, string> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT',
  7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'NEW_SYN_RECV',
};

// "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 34523 ..."
const row = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\d+\s+(\d+)/;

/** Parses /proc/net/tcp, tcp6, udp or udp6 (net/ipv4/tcp_ipv4.c, udp.c; net/ipv6/*). */
export function parseProcNetSockets(text: string, protocol: 'tcp' | 'udp', family: 4 | 6): ParsedSockets {
  const sockets: ProcSocket[] = [];
  let skipped = 0;
  const decode = family === 4 ? ipv4FromProcHex : ipv6FromProcHex;
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s*sl\s/.test(line)) continue;
    const m = row.exec(line);
    const localAddress = m && decode(m[1]!);
    const remoteAddress = m && decode(m[3]!);
    if (!m || !localAddress || !remoteAddress) {
      skipped++;
      continue;
    }
    const code = Number.parseInt(m[5]!, 16);
    const state = protocol === 'tcp' ? tcpStates[code] : udpState(code);
    if (!state) {
      skipped++;
      continue;
    }
    sockets.push({
      protocol,
      family,
      localAddress,
      localPort: Number.parseInt(m[2]!, 16),
      remoteAddress,
      remotePort: Number.parseInt(m[4]!, 16),
      state,
      uid: Number(m[6]),
      inode: Number(m[7]),
    });
  }
  return { sockets, skipped };
}

// UDP reuses the TCP codes: 07 (TCP_CLOSE) for an unconnected socket, 01 after connect().
function udpState(code: number): string | undefined {
  if (code === 7) return 'UNCONN';
  if (code === 1) return 'ESTABLISHED';
  return tcpStates[code];
}
