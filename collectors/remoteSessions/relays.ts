/**
 * Vendor relay servers: every user of a tool meets them, so their address says nothing about the peer and is dropped
 * on the laptop before anything is hashed. Two signs: the endpoint's port is a relay's service port (a peer behind
 * NAT arrives from a high, random port), or the address lies in a range the vendor's relays are seen in.
 */
export const relayPorts: ReadonlyArray<{ port: number; source: string }> = [
  { port: 443, source: 'AnyDesk, TeamViewer and RustDesk relays fall back to TCP 443 (vendors\' firewall guides)' },
  { port: 80, source: 'AnyDesk and TeamViewer relay fallback (vendors\' firewall guides)' },
  { port: 6568, source: 'AnyDesk relay port (AnyDesk firewall help page)' },
  { port: 5938, source: 'TeamViewer router/relay port (TeamViewer knowledge base, ports used by TeamViewer)' },
  { port: 21116, source: 'RustDesk hbbs rendezvous port (RustDesk self-host docs)' },
  { port: 21117, source: 'RustDesk hbbr relay port (RustDesk self-host docs)' },
];

/** IPv4 ranges relays were seen in. Narrow on purpose: only what a recorded sample shows. */
export const relayRanges: ReadonlyArray<{ cidr: string; tool: string; source: string }> = [
  { cidr: '188.172.219.0/24', tool: 'teamviewer', source: 'router14.teamviewer.com resolves here in the TeamViewer15_Logfile.log sample of log2timeline/plaso test_data (Apache-2.0)' },
];

const portSet = new Set(relayPorts.map((p) => p.port));

function v4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const o = Number(p);
    if (!/^\d{1,3}$/.test(p) || o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

const ranges = relayRanges.map((r) => {
  const [base, bits] = r.cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor((v4(base!) ?? 0) / size) * size;
  return { start, end: start + size - 1 };
});

/** True when the address (and port, if known) belongs to a vendor relay rather than to the peer. */
export function isRelay(address: string, port?: number): boolean {
  if (port !== undefined && portSet.has(port)) return true;
  const n = v4(address);
  return n !== undefined && ranges.some((r) => n >= r.start && n <= r.end);
}
