import { errorCodeOf, failure } from '../errors.js';
import type { CollectContext, CollectResult } from '../types.js';
import { parseIfconfig, kindOfDarwin } from './parse-ifconfig.js';
import { parseBsdNetstat } from './parse-netstat-bsd.js';
import { parseResolvConf } from './parse-resolv-conf.js';
import { parseArpAn, parseRouteGet } from './parse-route-arp-bsd.js';
import { parseAirportI, parseIpconfigSummary, type MacWifi } from './parse-wifi-macos.js';
import { runProbes } from './probes.js';
import type { NetIdentity, NetInterface, Network, Socket } from '../../schema/snapshot/network.js';
import { darwinTools } from '../programs.js';

export const netstatTcp = ['-anvW', '-p', 'tcp'] as const;
export const netstatUdp = ['-anvW', '-p', 'udp'] as const;
export const ifconfigArgs = ['-v'] as const;
export const networksetupArgs = ['-listallhardwareports'] as const;
export const routeArgs = ['-n', 'get', 'default'] as const;
export const arpArgs = ['-an'] as const;
export const airportPath = '/System/Library/PrivateFrameworks/Apple80211.framework/Versions/Current/Resources/airport';

const T = { timeoutMs: 5_000, maxBuffer: 32 << 20 };

async function run(ctx: CollectContext, file: string, args: readonly string[], notes: string[]): Promise<string | undefined> {
  try {
    return await ctx.exec(file, args, T);
  } catch (err) {
    notes.push(`${file} ${args.join(' ')} failed (${errorCodeOf(err)})`);
    return undefined;
  }
}

/** "Hardware Port: Wi-Fi\nDevice: en0" pairs: only asked when ifconfig -v printed no `type:` line (older macOS). */
function parseHardwarePorts(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const m of text.matchAll(/Hardware Port: (.+)\nDevice: (\S+)/g)) map.set(m[2]!, m[1]!.trim());
  return map;
}

async function interfaces(ctx: CollectContext, notes: string[]): Promise<NetInterface[] | undefined> {
  const text = await run(ctx, darwinTools.ifconfig, ifconfigArgs, notes);
  if (text === undefined) return undefined;
  const entries = parseIfconfig(text);
  let ports = new Map<string, string>();
  if (entries.length && !entries.some((e) => e.type)) {
    const hw = await run(ctx, darwinTools.networksetup, networksetupArgs, notes);
    if (hw) ports = parseHardwarePorts(hw);
  }
  return entries.map((e) => ({
    name: e.name, kind: kindOfDarwin(e, ports.get(e.name)), up: e.up, addresses: e.addresses, ...(e.mac ? { mac: e.mac } : {}),
  }));
}

async function wifiStatus(ctx: CollectContext, wifi: NetInterface | undefined, notes: string[]): Promise<NetIdentity['wifi']> {
  if (!wifi || !wifi.up) return null;
  let parsed: MacWifi | undefined;
  const summary = await run(ctx, darwinTools.ipconfig, ['getsummary', wifi.name], notes);
  if (summary !== undefined) parsed = parseIpconfigSummary(summary);
  if (!parsed) {
    const airport = await run(ctx, airportPath, ['-I'], notes); // macOS < 14.4 only
    if (airport !== undefined) parsed = parseAirportI(airport);
  }
  if (!parsed) {
    return { interface: wifi.name, ssid: null, bssid: null, unavailableReason: 'neither ipconfig getsummary nor airport -I told the Wi-Fi status' };
  }
  if (!parsed.associated) return null;
  return { interface: wifi.name, ssid: parsed.ssid, bssid: parsed.bssid, ...(parsed.unavailableReason ? { unavailableReason: parsed.unavailableReason } : {}) };
}

/**
 * macOS network: `netstat -anvW` for TCP and UDP (with owning pid), `ifconfig -v`, `route -n get default`,
 * `arp -an`, /etc/resolv.conf (the primary resolver macOS writes there), and `ipconfig getsummary` for an up Wi-Fi
 * interface. Five or six forks; networksetup only on a macOS whose ifconfig prints no interface type.
 */
export async function collect(ctx: CollectContext): Promise<CollectResult<Network>> {
  const notes: string[] = [];
  try {
    const [tcp, udp, ifaces, route, arp, resolv, probes] = await Promise.all([
      run(ctx, darwinTools.netstat, netstatTcp, notes),
      run(ctx, darwinTools.netstat, netstatUdp, notes),
      interfaces(ctx, notes),
      run(ctx, darwinTools.route, routeArgs, notes),
      run(ctx, darwinTools.arp, arpArgs, notes),
      ctx.readFile('/etc/resolv.conf').catch((err: unknown) => { notes.push(`/etc/resolv.conf unreadable (${errorCodeOf(err)}): DNS servers unknown`); return undefined; }),
      runProbes(ctx.options.probeAnchors, { signal: ctx.signal }),
    ]);
    if (tcp === undefined && udp === undefined) {
      return { status: 'error', code: 'command-missing', message: `network: no socket table (${notes.join('; ')})` };
    }
    const connections: Socket[] = [];
    for (const [name, text] of [['tcp', tcp], ['udp', udp]] as const) {
      if (text === undefined) continue;
      const p = parseBsdNetstat(text);
      connections.push(...p.sockets);
      if (p.skipped.length) notes.push(`netstat ${name}: ${p.skipped.length} line(s) not understood and skipped`);
      if (p.sockets.length && !p.sockets.some((s) => s.pid !== undefined)) notes.push(`netstat ${name}: no pid column (older macOS): owners unknown`);
    }
    const ifs = ifaces ?? [];
    if (!ifaces) notes.push('interfaces unknown (ifconfig failed)');
    const gw = route === undefined ? undefined : parseRouteGet(route);
    const arpParsed = arp === undefined ? undefined : parseArpAn(arp);
    if (arpParsed?.skipped) notes.push(`arp -an: ${arpParsed.skipped} line(s) not understood`);
    const neighbors = arpParsed?.neighbors ?? [];
    const gwMac = gw ? neighbors.find((n) => n.ip === gw.ip)?.mac : undefined;
    const wifiIf = ifs.find((i) => i.kind === 'wifi' && i.up) ?? ifs.find((i) => i.kind === 'wifi');
    const identity: NetIdentity = {
      gateway: gw ? { ip: gw.ip, ...(gwMac ? { mac: gwMac } : {}), ...(gw.interface ? { interface: gw.interface } : {}) } : null,
      neighbors,
      wifi: await wifiStatus(ctx, wifiIf, notes),
      dnsServers: resolv === undefined ? [] : parseResolvConf(resolv),
    };
    if (route !== undefined && !gw) notes.push('no default route with a gateway address');
    return { status: 'ok', data: { connections, interfaces: ifs, identity, probes }, ...(notes.length ? { notes } : {}) };
  } catch (err) {
    return failure(err, 'network');
  }
}
