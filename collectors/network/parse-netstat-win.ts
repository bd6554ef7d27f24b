import type { Socket } from '../../schema/snapshot/network.js';

export interface ParsedNetstat {
  sockets: Omit<Socket, 'process'>[];
  /** Lines that looked like rows but could not be read. */
  skipped: number;
  /** TCP state words that are not the English ones (a localised Windows): kept as printed, counted here. */
  unknownStates: string[];
}

/** netstat's English TCP states (MIB_TCP_STATE names as netstat prints them) → the Linux spelling the rules use. */
const tcpStates: Record<string, string> = {
  LISTENING: 'LISTEN', ESTABLISHED: 'ESTABLISHED', SYN_SENT: 'SYN_SENT', SYN_RECEIVED: 'SYN_RECV', FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2', TIME_WAIT: 'TIME_WAIT', CLOSE_WAIT: 'CLOSE_WAIT', CLOSING: 'CLOSING', LAST_ACK: 'LAST_ACK',
  CLOSED: 'CLOSE', DELETE_TCB: 'CLOSE', BOUND: 'BOUND',
};

/** "0.0.0.0:135", "[::]:135", "[fe80::1%12]:49664", "*:*" → address and port. */
function endpoint(text: string, family: 4 | 6): { address: string; port: number } | undefined {
  if (text === '*:*') return { address: family === 4 ? '0.0.0.0' : '::', port: 0 };
  const m = /^\[([^\]]+)\]:(\d+|\*)$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+|\*)$/.exec(text);
  if (!m) return undefined;
  const port = m[2] === '*' ? 0 : Number(m[2]);
  if (port > 65535) return undefined;
  return { address: m[1]!.replace(/%.*$/, ''), port };
}

/**
 * Parses `netstat -ano` (also `-an`, without the PID column). Header lines are localised on non-English Windows and
 * are skipped by shape; rows start with TCP or UDP. TCP rows: proto, local, foreign, state[, pid]. UDP rows have no
 * state: an unconnected UDP socket is "UNCONN", as on Linux.
 */
export function parseNetstatWin(text: string): ParsedNetstat {
  const sockets: ParsedNetstat['sockets'] = [];
  const unknown = new Set<string>();
  let skipped = 0;
  for (const raw of text.split(/\r?\n/)) {
    const f = raw.trim().split(/\s+/);
    const proto = f[0]?.toUpperCase();
    if (proto !== 'TCP' && proto !== 'UDP') continue;
    const protocol = proto === 'TCP' ? 'tcp' : 'udp';
    const family: 4 | 6 = f[1]?.startsWith('[') ? 6 : 4;
    const local = endpoint(f[1] ?? '', family);
    const remote = endpoint(f[2] ?? '', family);
    let stateWord: string | undefined;
    let pidText: string | undefined;
    if (protocol === 'tcp') [stateWord, pidText] = [f[3], f[4]];
    else pidText = f[3];
    const pid = pidText === undefined ? undefined : /^\d+$/.test(pidText) ? Number(pidText) : NaN;
    if (!local || !remote || (protocol === 'tcp' && !stateWord) || Number.isNaN(pid)) {
      skipped += 1;
      continue;
    }
    let state: string;
    if (protocol === 'udp') state = remote.port === 0 ? 'UNCONN' : 'ESTABLISHED';
    else {
      state = tcpStates[stateWord!.toUpperCase()] ?? stateWord!;
      if (!(stateWord!.toUpperCase() in tcpStates)) unknown.add(stateWord!);
    }
    sockets.push({
      protocol, family, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port,
      state, ...(pid !== undefined ? { pid } : {}),
    });
  }
  return { sockets, skipped, unknownStates: [...unknown] };
}
