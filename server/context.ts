import { BlockList } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.js';
import { parseCidr } from './config.js';
import { ClientError } from './body.js';
import type { IngestQueue } from './ingest-queue.js';
import type { PlaceBook } from './places/book.js';
import type { Metrics } from './metrics.js';
import type { Geo } from './geo/open.js';
import type { Storage } from './storage/types.js';
import { bearerToken, sameSecret } from './tokens.js';
import type { FailureLimit, RateLimiter } from './limits/index.js';

/** What every route needs, handed down explicitly. */
export interface ServerContext {
  config: ServerConfig;
  storage: Storage;
  queue: IngestQueue;
  metrics: Metrics;
  now: () => Date;
  enrollSecretHash: Buffer;
  adminTokenHash: Buffer;
  /** The server's key for stored identifiers (server/rekey-identifiers.ts); never leaves the server. */
  identifierKey: Buffer;
  isOffice: (ip: string) => boolean;
  /** Source country/ASN lookup (docs/geo.md); null without a database. */
  geo?: Geo | null;
  /** Rate limits (server/limits/): set by createServer before any route is registered. */
  limits?: { limiter: RateLimiter; adminGuesses: FailureLimit };
  /** Declared and learned places (server/places/): set by createServer before any route is registered. */
  places?: PlaceBook;
}

/** IPv4-mapped IPv6 ("::ffff:127.0.0.1") as plain IPv4, so one address has one spelling. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function networkMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  if (!cidrs.length) return () => false;
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (c) list.addSubnet(c.address, c.prefix, c.family);
  }
  // BlockList.check allocates per call; a fleet reports from few addresses, so remember the answers.
  const seen = new Map<string, boolean>();
  return (ip) => {
    const known = seen.get(ip);
    if (known !== undefined) return known;
    const addr = normaliseIp(ip);
    let inside = false;
    try {
      inside = list.check(addr, addr.includes(':') ? 'ipv6' : 'ipv4');
    } catch {
      inside = false;
    }
    if (seen.size >= 100_000) seen.clear();
    seen.set(ip, inside);
    return inside;
  };
}

/** onRequest hook for the SOC API: the admin token, compared in constant time, or 401. */
export function adminOnly(ctx: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // An address that sent too many wrong tokens is refused before its token is even compared.
    await ctx.limits?.adminGuesses.check(request, reply);
    const token = bearerToken(request.headers.authorization);
    if (!token || !sameSecret(token, ctx.adminTokenHash)) {
      // A missing token is a misconfigured client, not a guess; a wrong one counts.
      if (token) await ctx.limits?.adminGuesses.failed(request);
      throw new ClientError(401, 'unauthorized', 'admin token required: Authorization: Bearer <adminToken>');
    }
  };
}
