import { canonicalIp } from './ip.js';
import type { Socket } from '../../schema/snapshot/network.js';

/**
 * Pure parser of macOS/BSD `netstat -an` tables, read by header so that one parser takes `netstat -anvW -p tcp|udp`
 * (pid column; on recent macOS "process:pid") and the older `netstat -An` (Socket/Flowhash columns, no pid).
 * Addresses are "a.b.c.d.port", "v6addr.port", "*.port" and "*.*". UDP rows have no state: the column is empty.
 * Rows whose address does not parse (netstat -An truncates long IPv6 addresses without -W) are skipped and counted.
 */
export interface NetstatParse {
  sockets: Socket[];
  skipped: string[];
}

const STATES = /^(CLOSED|LISTEN|SYN_SENT|SYN_RCVD|ESTABLISHED|CLOSE_WAIT|FIN_WAIT_1|CLOSING|LAST_ACK|FIN_WAIT_2|TIME_WAIT)$/;

function endpoint(text: string, family: 4 | 6): { address: string; port: number } | undefined {
  const dot = text.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const host = text.slice(0, dot), portText = text.slice(dot + 1);
  const port = portText === '*' ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  if (host === '*') return { address: family === 6 ? '::' : '0.0.0.0', port };
  const address = canonicalIp(host);
  if (!address || (family === 4) !== !address.includes(':')) return undefined;
  return { address, port };
}

/**
 * The owner column. "process:pid" (macOS 26) holds the process name, which may contain spaces ("Google Chrome H:777",
 * "Code - Insiders:661"), and the header does not line up with the rows: so the columns before it (never spaced) are
 * counted off and the owner is read from the rest of the line up to the first ":digits" followed by a blank.
 */
function readOwner(line: string, spans: RegExpMatchArray[], cols: string[], stateless: boolean): { pid: number; process?: string } | undefined {
  const pidAt = cols.findIndex((c) => c === 'pid' || c === 'process:pid');
  if (pidAt < 0) return undefined;
  const before = pidAt - (stateless ? 1 : 0); // tokens in front of the owner on this row
  const prev = spans[before - 1];
  if (before <= 0 || !prev) return undefined;
  const rest = line.slice((prev.index ?? 0) + prev[0].length);
  const m = cols[pidAt] === 'pid' ? /^\s*()(\d+)(?=\s|$)/.exec(rest) : /^\s*(?:(\S.*?):)?(\d+)(?=\s|$)/.exec(rest);
  if (!m || Number(m[2]) <= 0) return undefined;
  return { pid: Number(m[2]), ...(m[1] ? { process: m[1] } : {}) };
}

export function parseBsdNetstat(text: string): NetstatParse {
  const sockets: Socket[] = [];
  const skipped: string[] = [];
  let cols: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^Active /.test(line)) continue;
    if (/\bProto\b/.test(line) && /Local Address/.test(line)) {
      cols = line.replace('Local Address', 'Local').replace('Foreign Address', 'Foreign').split(/\s+/);
      continue;
    }
    if (!cols) { skipped.push(raw); continue; }
    const spans = [...line.matchAll(/\S+/g)];
    const tok = spans.map((m) => m[0]);
    const protoAt = cols.indexOf('Proto');
    const proto = tok[protoAt] ?? '';
    const pm = /^(tcp|udp)(4|6|46)$/.exec(proto);
    if (!pm) {
      if (!/^(unix|icm|kctl|kevt|ndrv|vsock)/i.test(proto)) skipped.push(raw); // other families are not ours
      continue;
    }
    const stateAt = cols.indexOf('(state)');
    const stateless = stateAt >= 0 && !STATES.test(tok[stateAt] ?? '');
    if (stateless) tok.splice(stateAt, 0, ''); // UDP: no state word
    const family = pm[2] === '4' ? 4 : 6;
    const local = endpoint(tok[cols.indexOf('Local')] ?? '', family);
    const remote = endpoint(tok[cols.indexOf('Foreign')] ?? '', family);
    if (!local || !remote) { skipped.push(raw); continue; }
    const protocol = pm[1] as 'tcp' | 'udp';
    const state = protocol === 'tcp' ? tok[stateAt] ?? '' : remote.port !== 0 ? 'ESTABLISHED' : 'UNCONN';
    const socket: Socket = {
      protocol, family, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state,
    };
    const owner = readOwner(line, spans, cols, stateless);
    if (owner) {
      socket.pid = owner.pid;
      if (owner.process) socket.process = owner.process;
    }
    sockets.push(socket);
  }
  return { sockets, skipped };
}
