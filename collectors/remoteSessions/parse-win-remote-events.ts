import { z } from 'zod';
import { cleanPeerId, peerAddressOf, type ParsedLog } from './parse-common.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/** One event as the inventory's remoteLogons query prints it (collectors/win32/inventory-script.ts). */
const eventSchema = z.object({
  log: z.string(),
  id: z.number().int(),
  time: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
});

/**
 * Windows' own records of inbound remote sessions: TerminalServices-LocalSessionManager/Operational 21 (logon) and
 * 25 (reconnection) open an RDP session with its "Address"; 23 (logoff) and 24 (disconnection) close the session with
 * the same SessionID. Security 4624 with LogonType 10 (RemoteInteractive) is an RDP logon with IpAddress. Application
 * events of the source "chromoting" (Chrome Remote Desktop): 1 connected, 2 disconnected, 4 channel IP, with the
 * client's JID as the first value. Loopback and "LOCAL" addresses are not peers.
 */
export function parseWinRemoteEvents(records: unknown): ParsedLog {
  const sessions: RemoteSession[] = [];
  let skipped = 0;
  const list = Array.isArray(records) ? records : records === null || records === undefined ? [] : [records];
  const events = list
    .map((r) => eventSchema.safeParse(r))
    .filter((r) => {
      if (!r.success) skipped += 1;
      return r.success;
    })
    .map((r) => r.data!)
    .filter((e) => !Number.isNaN(Date.parse(e.time)))
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const rdpOpen = new Map<string, RemoteSession>();
  const crdOpen = new Map<string, RemoteSession>();
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  for (const e of events) {
    const at = new Date(Date.parse(e.time)).toISOString();
    const log = e.log.toLowerCase();
    if (log.includes('localsessionmanager')) {
      const sid = str(e.data['SessionID']);
      if (e.id === 21 || e.id === 25) {
        const address = peerAddress(str(e.data['Address']));
        if (!address && /^(LOCAL)?$/i.test(str(e.data['Address']))) continue; // a console logon
        const prior = rdpOpen.get(sid);
        if (prior) sessions.push(prior);
        rdpOpen.set(sid, { tool: 'rdp', direction: 'incoming', start: at, ...(address ? { peerAddress: address } : {}), source: 'windows:terminalservices' });
      } else if (e.id === 23 || e.id === 24) {
        const s = rdpOpen.get(sid);
        if (s) {
          s.end = at;
          sessions.push(s);
          rdpOpen.delete(sid);
        }
      }
    } else if (log === 'security' && e.id === 4624) {
      if (str(e.data['LogonType']) !== '10') continue;
      const address = peerAddress(str(e.data['IpAddress']));
      sessions.push({ tool: 'rdp', direction: 'incoming', start: at, ...(address ? { peerAddress: address } : {}), source: 'windows:security-4624' });
    } else if (log === 'application') {
      const jid = str(e.data['0'] ?? e.data['param1']);
      const account = cleanPeerId(jid.split('/')[0] ?? '');
      if (!account) continue;
      if (e.id === 1) {
        crdOpen.set(account, { tool: 'chrome-remote-desktop', direction: 'incoming', start: at, peerId: account, source: 'windows:chromoting' });
      } else if (e.id === 2) {
        const s = crdOpen.get(account);
        if (s) {
          s.end = at;
          sessions.push(s);
          crdOpen.delete(account);
        }
      } else if (e.id === 4) {
        const s = crdOpen.get(account);
        const route = str(e.data['4']);
        const ip = [str(e.data['1']), str(e.data['2'])].find((v) => v && v !== 'unknown');
        if (s && s.peerAddress === undefined && route !== 'relay' && ip) {
          const address = peerAddressOf(ip);
          if (address) s.peerAddress = address;
        }
      }
    }
  }
  sessions.push(...rdpOpen.values(), ...crdOpen.values());
  // One RDP logon is both a Security 4624 and a TerminalServices 21: the latter (which has an end) is kept.
  const ts = sessions.filter((s) => s.source === 'windows:terminalservices');
  const deduped = sessions.filter((s) => s.source !== 'windows:security-4624' || !ts.some((t) => t.peerAddress === s.peerAddress && Math.abs(Date.parse(t.start) - Date.parse(s.start)) <= 60_000));
  return { sessions: deduped, skipped };
}

function peerAddress(raw: string): string | undefined {
  const address = peerAddressOf(raw);
  if (!address || address === '127.0.0.1' || address === '::1' || address === '-') return undefined;
  return address;
}
