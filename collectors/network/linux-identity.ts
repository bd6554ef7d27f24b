import { errorCodeOf } from '../errors.js';
import type { CollectContext } from '../types.js';
import { parseIwLink, type WifiLink } from './parse-iw.js';
import { parseIwconfig, parseProcWireless } from './parse-iwconfig.js';
import { parseDefaultRoute, parseDefaultRoute6, parseProcArp } from './parse-proc-net-route.js';
import { isResolvedStub, parseResolvConf } from './parse-resolv-conf.js';
import type { NetIdentity } from '../../schema/snapshot/network.js';
import { unixTool } from '../programs.js';

const readOrNote = (ctx: CollectContext, path: string, notes: string[], why: string) =>
  ctx.readFile(path).catch((err: unknown) => {
    notes.push(`${path} unreadable (${errorCodeOf(err)}): ${why}`);
    return undefined;
  });

/** Gateway, neighbours, Wi-Fi and DNS: passive reads only (no scan); one `iw` only when a Wi-Fi interface exists. */
export async function readIdentity(ctx: CollectContext, wireless: readonly string[], notes: string[]): Promise<NetIdentity> {
  const [route, route6, arp, wifi, dnsServers] = await Promise.all([
    readOrNote(ctx, '/proc/net/route', notes, 'IPv4 default gateway unknown'),
    ctx.readFile('/proc/net/ipv6_route').catch(() => undefined), // absent when IPv6 is off: nothing to say
    readOrNote(ctx, '/proc/net/arp', notes, 'neighbour table unknown'),
    readWifi(ctx, wireless, notes),
    readDns(ctx, notes),
  ]);
  const arpParsed = arp === undefined ? undefined : parseProcArp(arp);
  if (arpParsed?.skipped) notes.push(`/proc/net/arp: ${arpParsed.skipped} unreadable line(s) skipped`);
  notes.push('IPv6 neighbours (NDP) not read: they need `ip -6 neigh`, a fork this collector does not spend');
  const neighbors = arpParsed?.neighbors ?? [];

  const def = (route !== undefined ? parseDefaultRoute(route) : undefined) ?? (route6 !== undefined ? parseDefaultRoute6(route6) : undefined);
  const mac = def && neighbors.find((n) => n.ip === def.ip && n.interface === def.interface)?.mac;
  const gateway = def ? { ip: def.ip, interface: def.interface, ...(mac ? { mac } : {}) } : null;
  if (def && !mac) notes.push(`gateway ${def.ip} has no MAC in the neighbour table${def.ip.includes(':') ? ' (IPv6: NDP not read)' : ''}`);
  return { gateway, neighbors, wifi, dnsServers };
}

async function readWifi(ctx: CollectContext, wireless: readonly string[], notes: string[]): Promise<NetIdentity['wifi']> {
  if (wireless.length === 0) return null;
  // One fork only: the list comes with interfaces that are up first.
  const iface = wireless[0]!;
  if (wireless.length > 1) notes.push(`${wireless.length} Wi-Fi interfaces; only ${iface} was asked for its link`);
  let link: WifiLink | undefined;
  let reason: string | undefined;
  try {
    link = parseIwLink(await ctx.exec(unixTool('iw'), ['dev', iface, 'link'], { timeoutMs: 2_000 }));
    if (!link) reason = '`iw dev link` printed an unknown format';
  } catch (err) {
    if (errorCodeOf(err) !== 'command-missing') {
      reason = `iw failed (${errorCodeOf(err)})`;
    } else {
      // No iw: wireless-tools' iwconfig (costs the one fork iw would have), then /proc/net/wireless.
      try {
        link = parseIwconfig(await ctx.exec(unixTool('iwconfig'), [iface], { timeoutMs: 2_000 }), iface);
        if (!link) reason = 'iw not installed and iwconfig printed an unknown format';
      } catch (err2) {
        return fromProcWireless(ctx, iface, errorCodeOf(err2) === 'command-missing' ? 'iw and iwconfig not installed' : `iwconfig failed (${errorCodeOf(err2)})`, notes);
      }
    }
  }
  if (!link) return { interface: iface, ssid: null, bssid: null, unavailableReason: reason ?? 'unknown' };
  if (!link.associated) {
    notes.push(`Wi-Fi interface ${iface} is not associated`);
    return null;
  }
  return { interface: iface, ssid: link.ssid, bssid: link.bssid };
}

async function fromProcWireless(ctx: CollectContext, iface: string, why: string, notes: string[]): Promise<NetIdentity['wifi']> {
  const text = await ctx.readFile('/proc/net/wireless').catch(() => undefined);
  const entry = text === undefined ? undefined : parseProcWireless(text).get(iface);
  if (entry && entry.linkQuality <= 0) {
    notes.push(`Wi-Fi interface ${iface} shows no link quality in /proc/net/wireless: taken as not associated`);
    return null;
  }
  const seen = entry ? `; /proc/net/wireless shows link quality ${entry.linkQuality} (associated)` : '; association unknown';
  return { interface: iface, ssid: null, bssid: null, unavailableReason: `${why}${seen}` };
}

async function readDns(ctx: CollectContext, notes: string[]): Promise<string[]> {
  const text = await readOrNote(ctx, '/etc/resolv.conf', notes, 'DNS servers unknown');
  const servers = text === undefined ? [] : parseResolvConf(text);
  if (!isResolvedStub(servers)) return servers;
  // systemd-resolved's stub: the upstream servers it uses are listed in its own file.
  const upstream = await ctx.readFile('/run/systemd/resolve/resolv.conf').catch(() => undefined);
  const real = upstream === undefined ? [] : parseResolvConf(upstream);
  if (real.length === 0) {
    notes.push('/etc/resolv.conf names only the systemd-resolved stub and /run/systemd/resolve/resolv.conf gave no upstream servers');
    return servers;
  }
  notes.push('/etc/resolv.conf names the systemd-resolved stub 127.0.0.53: DNS servers read from /run/systemd/resolve/resolv.conf');
  return real;
}
