import { failure } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { cycleInventory } from '../win32/inventory.js';
import { asArray, asRecord, num, str } from '../win32/ps-json.js';
import { parseNetshWlan } from './parse-netsh-wlan.js';
import { parseNetstatWin } from './parse-netstat-win.js';
import { parseWinNetwork } from './parse-win-network.js';
import { runProbes } from './probes.js';
import type { NetIdentity, Network } from '../../schema/snapshot/network.js';

/** pid → process name from the inventory's process list (already gathered this cycle: no extra cost). */
function processNames(section: unknown): Map<number, string> {
  const names = new Map<number, string>();
  for (const p of asArray(asRecord(section)?.list).map(asRecord)) {
    const pid = num(p?.pid);
    const name = str(p?.name);
    if (pid !== undefined && name) names.set(pid, name);
  }
  return names;
}

function wifiFrom(section: unknown, wifiAdapters: readonly string[], notes: string[]): NetIdentity['wifi'] {
  const s = asRecord(section);
  if (wifiAdapters.length === 0 && !s?.text) return null;
  const text = str(s?.text);
  if (!text) {
    return { ssid: null, bssid: null, unavailableReason: `netsh wlan show interfaces gave nothing${str(s?.skipped) ? ` (${str(s?.skipped)})` : ''}` };
  }
  const parsed = parseNetshWlan(text);
  if (parsed.refused) return { ...(wifiAdapters[0] ? { interface: wifiAdapters[0] } : {}), ssid: null, bssid: null, unavailableReason: parsed.refused };
  const associated = parsed.interfaces.find((i) => i.wifi !== null);
  if (!associated && parsed.interfaces.length === 0) notes.push('netsh wlan show interfaces listed no interface block');
  return associated?.wifi ?? null;
}

/**
 * Windows network domain, all from the cycle's one PowerShell inventory: MSFT_Net* CIM classes for adapters, addresses,
 * default route, neighbours and DNS; `netstat -ano` text for sockets; `netsh wlan show interfaces` only when a Wi-Fi
 * adapter exists. No RTT from the socket table: with the device policy's sessionRttProbe the agent probes session peers.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Network>> {
  try {
    const [inv, probes] = await Promise.all([cycleInventory(ctx), runProbes(ctx.options.probeAnchors, { signal: ctx.signal })]);
    if ('failed' in inv) return { status: 'error', code: inv.code, message: inv.message };
    const notes: string[] = [];
    const netstat = inv.section('netstat');
    if (!netstat.ok) return { status: 'error', code: netstat.code, message: netstat.message };
    const text = str(asRecord(netstat.data)?.text) ?? '';
    const parsed = parseNetstatWin(text);
    if (parsed.sockets.length === 0 && !/\b(TCP|UDP)\b/.test(text)) {
      return { status: 'error', code: 'parse-error', message: `netstat -ano printed no socket rows (exit ${num(asRecord(netstat.data)?.exitCode) ?? '?'})` };
    }
    if (parsed.skipped) notes.push(`${parsed.skipped} netstat lines unreadable, skipped`);
    if (parsed.unknownStates.length) notes.push(`netstat TCP states not in English, kept as printed: ${parsed.unknownStates.join(', ')}`);
    const procs = inv.section('processes');
    const names = procs.ok ? processNames(procs.data) : new Map<number, string>();
    if (!procs.ok) notes.push('process names of sockets unknown: the processes section failed');
    const connections = parsed.sockets.map((s) => {
      const name = s.pid !== undefined ? names.get(s.pid) : undefined;
      return name ? { ...s, process: name } : s;
    });
    // Windows keeps per-connection RTT only through TCP ESTATS (docs/session-rtt.md): the kernel table has none.
    if (ctx.options.sessionRttProbe !== true) {
      notes.push('RTT not measured: rttMs of remote-control sessions needs the session-peer probe, off by default (device policy sessionRttProbe)');
    }

    const net = inv.section('network');
    let interfaces: Network['interfaces'] = [];
    let identity: NetIdentity = { gateway: null, neighbors: [], wifi: null, dnsServers: [] };
    if (net.ok) {
      const w = parseWinNetwork(net.data);
      notes.push(...w.notes);
      const wlan = inv.section('wlan');
      let wifi: NetIdentity['wifi'] = null;
      if (wlan.ok) wifi = wifiFrom(wlan.data, w.wifiAdapters, notes);
      else if (w.wifiAdapters.length) wifi = { interface: w.wifiAdapters[0]!, ssid: null, bssid: null, unavailableReason: wlan.message };
      interfaces = w.interfaces;
      identity = { ...w.identity, wifi };
    } else {
      notes.push(`interfaces, gateway, neighbours, DNS and Wi-Fi unknown: ${net.message}`);
    }
    return { status: 'ok', data: { connections, interfaces, identity, probes }, notes };
  } catch (err) {
    return failure(err, 'network');
  }
}
