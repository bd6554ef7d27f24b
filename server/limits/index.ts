import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ClientError } from '../body.js';
import type { LifecycleStorage } from '../lifecycle/storage-types.js';
import { rateLimitsSchema, type RateLimits } from '../policy/schema.js';
import { takeToken, type Bucket } from './token-bucket.js';
import { ThrottleLog, type LimitName } from './throttle-log.js';

export { ThrottleLog, type LimitName } from './throttle-log.js';

/** Keys remembered per limit; past it the least recently used is dropped (it starts again with a full bucket). */
const maxKeys = 100_000;
/** How long a replica trusts its copy of the policy's limits (another replica may have changed them). */
const policyTtlMs = 30_000;

const messages: Record<LimitName, string> = {
  reports: 'this device sends reports faster than the policy allows (limits.reports)',
  enrollPerSecret: 'too many enrollments with this enroll secret (limits.enrollPerSecret)',
  enrollGuesses: 'too many enrollments with a wrong secret from this address (limits.enrollGuesses)',
  adminGuesses: 'too many wrong admin tokens from this address (limits.adminGuesses)',
};

export function tooMany(limit: LimitName, retryAfterS: number): ClientError {
  return new ClientError(429, 'rate_limited', `${messages[limit]}; retry after ${retryAfterS} s`);
}

/** A limit that counts failures only (wrong secrets, wrong tokens): `check` before judging, `failed` after a wrong one. */
export interface FailureLimit {
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  failed(request: FastifyRequest): Promise<void>;
}

interface StoreParams {
  limitName?: LimitName;
  failuresOnly?: boolean;
}
interface StoreResult {
  current: number;
  ttl: number;
}
type Callback = (err: Error | null, result?: StoreResult) => void;

/**
 * Request rate limits: @fastify/rate-limit does the hooks, keys and headers; the buckets are ours (a token bucket, on
 * the server's clock, bounded in size) and live in this process: each replica limits on its own (docs/server.md).
 * The figures come from the central policy (`limits`), re-read every 30 s and after each policy change.
 */
export class RateLimiter {
  readonly throttled: ThrottleLog;
  private readonly buckets = new Map<LimitName, Map<string, Bucket>>();
  private cached: { limits: RateLimits; atMs: number } | undefined;

  constructor(
    private readonly storage: Pick<LifecycleStorage, 'currentPolicy'>,
    private readonly now: () => Date,
    log: Logger,
  ) {
    this.throttled = new ThrottleLog(log, () => now().getTime());
  }

  /** The policy's limits; a policy that cannot be read leaves the defaults (and the error to the caller's log). */
  async current(): Promise<RateLimits> {
    const t = Date.now();
    if (!this.cached || t - this.cached.atMs > policyTtlMs) {
      const body = (await this.storage.currentPolicy()).body as { limits?: unknown };
      const parsed = rateLimitsSchema.safeParse(body.limits ?? {});
      this.cached = { limits: parsed.success ? parsed.data : rateLimitsSchema.parse({}), atMs: t };
    }
    return this.cached.limits;
  }

  /** After PUT /api/v1/policy: the next request reads the new limits. */
  invalidate(): void {
    this.cached = undefined;
  }

  /** The plugin, on each Fastify instance that uses a limit (ingest and, apart, the admin listener). */
  async register(app: FastifyInstance): Promise<void> {
    await app.register(rateLimit, { global: false, store: this.storeClass() as never });
  }

  /** onRequest/preHandler hook: every request takes a token of `keyOf(request)`; none left is 429 + Retry-After. */
  perKey(app: FastifyInstance, limit: LimitName, keyOf: (request: FastifyRequest) => string) {
    return app.rateLimit({
      ...this.figures(limit),
      keyGenerator: keyOf,
      errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) => tooMany(limit, Math.ceil(context.ttl / 1000)),
      limitName: limit,
    } as never);
  }

  /** A failure-only limit per source address (IPv6 per /64, the plugin's default key). */
  failures(app: FastifyInstance, limit: LimitName): FailureLimit {
    const limiter = app.createRateLimit({ ...this.figures(limit), limitName: limit, failuresOnly: true } as never);
    return {
      async check(request, reply) {
        const r = await limiter(request, { increment: false });
        if (r.isAllowed || !r.isExceeded) return;
        void reply.header('retry-after', String(r.ttlInSeconds));
        throw tooMany(limit, r.ttlInSeconds);
      },
      async failed(request) {
        await limiter(request);
      },
    };
  }

  private figures(limit: LimitName) {
    return {
      max: async () => (await this.current())[limit].burst,
      timeWindow: async () => 60_000 / (await this.current())[limit].perMinute,
    };
  }

  private bucketsOf(limit: LimitName): Map<string, Bucket> {
    let map = this.buckets.get(limit);
    if (!map) this.buckets.set(limit, (map = new Map()));
    return map;
  }

  /** The plugin's store interface over our buckets; `timeWindow` is the refill interval and `max` the burst. */
  private storeClass() {
    const limiter = this;
    return class BucketStore {
      constructor(private readonly params: StoreParams) {}
      child(params: StoreParams) {
        return new BucketStore(params);
      }
      incr(key: string, cb: Callback, intervalMs: number, burst: number) {
        cb(null, this.apply(key, intervalMs, burst, true));
      }
      read(key: string, cb: Callback, intervalMs: number, burst: number) {
        cb(null, this.apply(key, intervalMs, burst, false));
      }
      private apply(key: string, intervalMs: number, burst: number, take: boolean): StoreResult {
        const limit = this.params.limitName;
        if (!limit) return { current: 0, ttl: 0 };
        const map = limiter.bucketsOf(limit);
        const previous = map.get(key);
        const t = takeToken(previous, limiter.now().getTime(), burst, intervalMs, take);
        map.delete(key);
        map.set(key, t.bucket);
        if (map.size > maxKeys) map.delete(map.keys().next().value as string);
        // A failure-only limit refuses at its check (a read); its count after a failure is not a refused request.
        if (!t.allowed && take !== Boolean(this.params.failuresOnly)) limiter.throttled.refused(limit, key, Math.ceil(t.waitMs / 1000));
        return { current: t.allowed ? burst - t.remaining : burst + 1, ttl: t.waitMs };
      }
    };
  }
}

/** The enrollment limit's key: the fleet secret, or a named secret by a prefix of its hash (never the secret). */
export function secretKeyOf(secret: unknown, isFleetSecret: (s: string) => boolean): string {
  if (typeof secret !== 'string' || secret.length > 1024) return 'malformed';
  return isFleetSecret(secret) ? 'fleet secret' : `secret sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}
