import type { NetInterface } from '../../schema/snapshot/network.js';

/** What sysfs tells about one interface (/sys/class/net/<name>/...). */
export interface SysfsInterface {
  name: string;
  /** ARPHRD_* from `type` (1 ether, 772 loopback, 65534 none, 512 ppp, 768/769/776/778/823 tunnels). */
  type?: number;
  /** DEVTYPE= from `uevent` (wlan, bridge, wwan, wireguard, vlan, ...). */
  devtype?: string;
  /** `wireless/` or `phy80211` exists. */
  wireless: boolean;
  /** `tun_flags` exists: a tun/tap device. */
  tun: boolean;
  /** `bridge/` exists. */
  bridge: boolean;
  /** Resolved device path, e.g. /sys/devices/pci0000:00/.../usb1/1-2/1-2:1.0/net/usb0 or /sys/devices/virtual/net/lo. */
  devicePath?: string;
  driver?: string;
  usb?: { vendorId: string; productId: string };
}

const tunnelTypes = new Set([512, 768, 769, 776, 778, 823]); // ppp, ipip, ip6tnl, sit, gre, ip6gre
const tunnelDevtypes = new Set(['wireguard', 'ipip', 'gre', 'gretap', 'ip6gre', 'sit', 'ip6tnl', 'vti', 'ppp', 'tun', 'tap']);
// Names VPN clients give their devices (utun is macOS's, kept for symmetry); astrill* is Astrill's OpenWeb/StealthVPN.
const tunnelNames = /^(tun|tap|wg|utun|ppp|tailscale|zt|astrill|nordlynx|proton|ipsec|vti|gre|ipip|sit)/i;
const virtualNames = /^(veth|docker|virbr|br-|lxcbr|lxdbr|cni|flannel|vnet|vmnet|vboxnet|podman)/i;
const cellularDrivers = new Set(['qmi_wwan', 'cdc_mbim', 'huawei_cdc_ncm', 'sierra_net', 'option', 'mhi_net', 'ipa']);

/** The kind of an interface from its sysfs facts (order matters: a USB Wi-Fi dongle is wifi, a USB modem cellular). */
export function classifyInterface(s: SysfsInterface): NetInterface['kind'] {
  if (s.type === 772 || s.name === 'lo') return 'loopback';
  if (s.wireless || s.devtype === 'wlan') return 'wifi';
  if (s.devtype === 'wwan' || /^wwan/.test(s.name) || (s.driver !== undefined && cellularDrivers.has(s.driver))) return 'cellular';
  if (s.tun || (s.devtype !== undefined && tunnelDevtypes.has(s.devtype)) || (s.type !== undefined && tunnelTypes.has(s.type)) || tunnelNames.test(s.name)) {
    return 'tunnel';
  }
  if (virtualNames.test(s.name) || s.devtype === 'veth') return 'virtual';
  if (s.bridge || s.devtype === 'bridge') return 'bridge';
  if (s.devicePath?.includes('/devices/virtual/')) return 'virtual';
  if (s.usb || (s.devicePath !== undefined && /\/usb\d+\//.test(s.devicePath))) return 'usb-net';
  if (s.type === 1 && s.devicePath !== undefined) return 'ethernet';
  return 'other';
}

/** KEY=value lines of a sysfs uevent file. */
export function parseUevent(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** The USB device directory above a network interface's device path (the last "N-P.P" component, not an interface "N-P:C.I"). */
export function usbDeviceDir(devicePath: string): string | undefined {
  const parts = devicePath.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/^\d+-[\d.]+$/.test(parts[i]!)) return parts.slice(0, i + 1).join('/');
  }
  return undefined;
}
