import { createHmac } from 'node:crypto';

/**
 * The agent hashes place and identity values under the fleet key, which every laptop holds: with it, a MAC is
 * recovered by trying one vendor prefix's 2^24 values. The server therefore keys each such hash once more under
 * its own identifier key (kept only in its 0600 secrets file) before anything is stored or compared. Equal values
 * stay equal, so co-location and neighbour matching work unchanged; a stolen database plus a laptop's fleet key no
 * longer reverses them.
 */

/** What the agent sends for a hashed identifier: HMAC-SHA256 hex. A value in clear (policy clearIdentifiers) is left as is. */
const agentHash = /^[0-9a-f]{64}$/;

export function rekeyIdentifier(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

/**
 * rekeyIdentifier under one key, remembering recent answers: a laptop sends the same few hashes every cycle, and an
 * HMAC costs more than the rest of a small report's handling. Bounded: past `maxEntries` the memory starts afresh.
 */
export function identifierRekeyer(key: Buffer, maxEntries = 65_536): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let out = memo.get(value);
    if (out === undefined) {
      if (memo.size >= maxEntries) memo.clear();
      out = rekeyIdentifier(key, value);
      memo.set(value, out);
    }
    return out;
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pure and total: a copy of the received report body with every agent hash at a known place keyed again; any other shape is copied unchanged. */
export function rekeyReportBody(body: unknown, rekey: (value: string) => string): unknown {
  if (!isObject(body)) return body;
  const one = (v: unknown): unknown => (typeof v === 'string' && agentHash.test(v) ? rekey(v) : v);
  const list = (v: unknown): unknown => (Array.isArray(v) ? v.map(one) : v);
  /** obj with field replaced by f(obj[field]) when obj is an object that has the field. */
  const at = (obj: unknown, field: string, f: (v: unknown) => unknown): unknown =>
    isObject(obj) && field in obj ? { ...obj, [field]: f(obj[field]) } : obj;
  const each = (f: (v: unknown) => unknown) => (v: unknown): unknown => (Array.isArray(v) ? v.map(f) : v);

  let out: Json = { ...body };
  let identity = out['identity'];
  for (const field of ['gatewayMac', 'wifiBssid']) identity = at(identity, field, one);
  for (const field of ['neighborMacs', 'selfMacs']) identity = at(identity, field, list);
  if ('identity' in out) out = { ...out, identity };

  let snapshot = out['snapshot'];
  snapshot = at(snapshot, 'host', (host) => at(host, 'machineId', one));
  snapshot = at(snapshot, 'network', (network) => {
    let n = at(network, 'interfaces', each((i) => at(i, 'mac', one)));
    n = at(n, 'identity', (id) => {
      let x = at(id, 'gateway', (g) => at(g, 'mac', one));
      x = at(x, 'neighbors', each((nb) => at(nb, 'mac', one)));
      x = at(x, 'wifi', (w) => at(at(w, 'bssid', one), 'ssid', one));
      return x;
    });
    return n;
  });
  // Peripheral serials (the agent hashes all but generic and catalogued ones) and remote-session peers.
  snapshot = at(snapshot, 'usb', (usb) => at(usb, 'devices', each((d) => at(d, 'serial', one))));
  snapshot = at(snapshot, 'displays', (displays) => at(displays, 'connectors', each((c) => at(c, 'edid', (e) => at(e, 'serialText', one)))));
  snapshot = at(snapshot, 'remoteSessions', (rs) => at(rs, 'sessions', each((x) => at(at(x, 'peerId', one), 'peerAddress', one))));
  if ('snapshot' in out) out = { ...out, snapshot };
  if (Array.isArray(out['findings'])) out = { ...out, findings: out['findings'].map((f) => at(f, 'evidence', (e) => rekeyPeers(e, one, 0))) };
  return out;
}

/** Every `peerId` / `peerAddress` string at any depth (evidence is a few levels deep; the bound stops hostile nesting). */
function rekeyPeers(value: unknown, one: (v: unknown) => unknown, depth: number): unknown {
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => rekeyPeers(v, one, depth + 1));
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[k] = k === 'peerId' || k === 'peerAddress' ? one(v) : rekeyPeers(v, one, depth + 1);
  return out;
}
