/** Name servers listed in a resolv.conf ("nameserver <ip>" lines; comments with # or ;). */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line.replace(/[#;].*$/, ''));
    if (m && !servers.includes(m[1]!)) servers.push(m[1]!);
  }
  return servers;
}

/** True when the only name servers are systemd-resolved's local stub (then the real ones are elsewhere). */
export function isResolvedStub(servers: readonly string[]): boolean {
  return servers.length > 0 && servers.every((s) => s === '127.0.0.53' || s === '127.0.0.54');
}
