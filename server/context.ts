import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.js';
import { ClientError } from './body.js';
import type { IngestQueue } from './ingest-queue.js';
import type { IngestPool } from './ingest-pool/index.js';
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
  /** Report parsing, signature and schema checks, on worker threads under load (server/ingest-pool/). */
  ingestPool: IngestPool;
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

export { networkMatcher, normaliseIp } from './network-match.js';

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
