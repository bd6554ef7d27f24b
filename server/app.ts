import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { bodyLimit, ClientError, parseJson, readBody } from './body.js';
import type { ServerConfig } from './config.js';
import { networkMatcher, type ServerContext } from './context.js';
import { IngestQueue, OverloadedError } from './ingest-queue.js';
import { startIngestPool, type IngestPool, type IngestPoolOptions } from './ingest-pool/index.js';
import { Metrics } from './metrics.js';
import { intelPolicyOf, startGeo } from './geo/start.js';
import { openPlaceBook } from './places/book.js';
import { placeRoutes } from './places/routes.js';
import { carrierGradeNat } from './geo/special.js';
import { deferredBody, ingestRoutes } from './routes/ingest.js';
import { socRoutes } from './routes/soc.js';
import { lifecycleRoutes } from './lifecycle/routes.js';
import { caseRoutes } from './routes/cases.js';
import { policyRoutes } from './routes/policy.js';
import { graphRoutes } from './graph/routes.js';
import { maxSkewMs } from './lifecycle/guard.js';
import { createAdminApp } from './dashboard/admin-listener.js';
import { registerDashboard, type Dashboard } from './dashboard/index.js';
import { unusedSocketCloser } from './unused-sockets.js';
import { identifierKeyFromAdminToken, type ServerSecrets } from './secrets.js';
import type { SqliteOptions } from './storage/sqlite.js';
import { postgresOf } from './config.js';
import { forwarderNames } from './forwarders/config.js';
import type { Forwarders } from './forwarders/index.js';
import type { Storage } from './storage/types.js';
import { hashToken } from './tokens.js';
import { RateLimiter } from './limits/index.js';
import { loadModule } from './lazy-module.js';

export interface ServerOptions {
  config: ServerConfig;
  secrets: Pick<ServerSecrets, 'enrollSecret' | 'adminToken'> & Partial<Pick<ServerSecrets, 'identifierKey'>>;
  logger: Logger;
  /** Injectable clock: tests move time to see silence and retention. */
  now?: () => Date;
  storage?: Storage;
  sqlite?: SqliteOptions;
  /** Reports waiting for a commit before new ones get 429. */
  maxQueue?: number;
  /** Periodic fleet checks; tests switch them off and call runSilenceCheck/runPrune themselves. */
  timers?: boolean;
  silenceCheckMs?: number;
  pruneMs?: number;
  /** How often the forwarders look for due outbox rows (default 500 ms). */
  forwarderPollMs?: number;
  /** Tests: a smaller body limit than the agent's budget, to see what a 413 leaves behind. */
  bodyLimit?: number;
  /** Tests: the ingest pool's sampling and thresholds (server/ingest-pool/scale.ts); `min` above 0 keeps workers up. */
  ingestPool?: IngestPoolOptions['scale'];
}

export interface FarmwatchServer {
  app: FastifyInstance;
  /** Starts the ingest listener (its address is returned) and, with adminPort, the admin listener. */
  listen(): Promise<string>;
  /** The dashboard's sign-in links; its address is dashboardUrl() once listening. */
  dashboard: Dashboard;
  dashboardUrl(): string;
  runSilenceCheck(): Promise<number>;
  runPrune(): Promise<number>;
  /** The report workers (server/ingest-pool/): their number and threads. */
  ingestPool: IngestPool;
  /**
   * Resolves once every report submitted so far is committed and the places pass that follows its answer (presence
   * days, fleet grades: server/places/) is done: a report is answered at its commit, its fleet grade comes just after.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const reportsPath = '/api/v1/reports';

interface FastifyReplyLike {
  code(status: number): { send(body: unknown): unknown };
}

export async function createServer(options: ServerOptions): Promise<FarmwatchServer> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  // Before storage opens: a bad configured database stops the start with one line naming the file.
  const geo = startGeo(config, options.logger);
  const postgres = postgresOf(config);
  // Only the configured engine's module is loaded: a SQLite server never compiles the PostgreSQL driver.
  const storage =
    options.storage ??
    (postgres
      ? await (await loadModule('the PostgreSQL storage', () => import('./storage/pg.js'))).openPostgres({
          ...postgres,
          forwarders: forwarderNames(config.forwarders),
          onBackgroundError: (message) => options.logger.error({ message }, 'postgres background error'),
          // One replica runs the periodic jobs; this line says which (docs/postgres.md).
          onTimerLock: (held) => options.logger.info({ held }, held ? 'this replica runs the periodic jobs' : 'this replica no longer runs the periodic jobs'),
        })
      : (await loadModule('the SQLite storage', () => import('./storage/sqlite.js'))).openSqlite(config.db, {
          onBackgroundError: (message) => options.logger.error({ message }, 'sqlite checkpoint failed'),
          onTightened: ({ file, was }) => options.logger.warn({ file, was, now: '600' }, 'database file was readable by group or other; set to mode 0600'),
          forwarders: forwarderNames(config.forwarders),
          ...options.sqlite,
        }));
  const metrics = new Metrics();
  // Alert events leave through the outbox, off the ingest path (server/forwarders/).
  // Their senders (HTTP, syslog, files) are loaded only when one is configured.
  const forwarders: Forwarders = config.forwarders.length
    ? (await loadModule('the forwarders', () => import('./forwarders/index.js'))).createForwarders(config.forwarders, storage, options.logger, options.forwarderPollMs ? { pollMs: options.forwarderPollMs } : {})
    : { start() {}, stop: async () => {}, metricsText: async () => '' };
  metrics.sections.push(() => forwarders.metricsText());
  forwarders.start();
  const limiter = new RateLimiter(storage, now, options.logger);
  metrics.sections.push(async () => limiter.throttled.metricsText());
  // Declared and learned places, relays and fleet grades (server/places/), handed to the fleet rules in their policy.
  const places = await openPlaceBook(storage.sql, {
    officeNetworks: config.officeNetworks,
    relayNetworks: config.relayNetworks,
    forwarders: forwarderNames(config.forwarders),
    currentPolicy: () => storage.currentPolicy(),
    changeCount: () => storage.changeCount(),
    now,
    logger: options.logger,
  });
  const intel = intelPolicyOf(config, geo !== null);
  const queue = new IngestQueue(
    storage,
    { colocation: { ...config.colocation, known: places.known }, intel: { ...intel, fingerprint: { ...intel.fingerprint, known: places.known } } },
    options.maxQueue,
    undefined,
    places,
  );
  const identifierKey = Buffer.from(options.secrets.identifierKey ?? identifierKeyFromAdminToken(options.secrets.adminToken), 'base64url');
  const ingestPool = startIngestPool({ workers: config.ingestWorkers, identifierKey, logger: options.logger, ...(options.ingestPool ? { scale: options.ingestPool } : {}) });
  metrics.sections.push(async () => ingestPool.metricsText());
  const ctx: ServerContext = {
    config,
    storage,
    queue,
    ingestPool,
    metrics,
    now,
    enrollSecretHash: hashToken(options.secrets.enrollSecret),
    adminTokenHash: hashToken(options.secrets.adminToken),
    identifierKey,
    // Offices, VPN/SASE egress and carrier-grade NAT are no place: neither co-location nor geo rules judge them.
    isOffice: networkMatcher([...config.officeNetworks, ...config.egressNetworks, carrierGradeNat]),
    geo,
  };

  const https = config.tls && {
    cert: readFileSync(config.tls.cert),
    key: readFileSync(config.tls.key),
    ...(config.tls.ca ? { ca: readFileSync(config.tls.ca) } : {}),
    requestCert: config.tls.requireClientCert,
    rejectUnauthorized: config.tls.requireClientCert,
  };
  const app = Fastify({
    loggerInstance: options.logger,
    // Per-request log lines at 5,000 reports/s would cost more than the ingest; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    bodyLimit: options.bodyLimit ?? bodyLimit,
    // Bounds on what one client may hold: slow bodies and idle keep-alive sockets are cut.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: 200 },
    // Errors raised before routing (bad URL, over-long parameters) answer in the same shape as ours.
    frameworkErrors: (err, _request, reply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      // The route's generic status type is unknown here; the raw reply takes any 4xx.
      (reply as unknown as FastifyReplyLike).code(status).send({ error: codeOf(err), message: err.message.slice(0, 200) });
    },
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;

  app.decorateRequest('bodyText', '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', (request, payload, done) => {
    readBody(payload, options.bodyLimit)
      .then((text) => {
        (request as unknown as { bodyText: string }).bodyText = text;
        // A report's JSON is parsed with its other checks, maybe on a worker thread (routes/ingest.ts).
        done(null, request.routeOptions.url === reportsPath ? deferredBody : parseJson(text));
      })
      .catch((err: Error) => done(err as FastifyError, undefined));
  });

  app.addHook('onRequest', async (request) => {
    (request as unknown as { startedAt: number }).startedAt = performance.now();
  });
  // Requests refused by a rate limit, told apart from a full ingest queue (both are 429).
  const rateLimited = new WeakSet<object>();
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.url !== reportsPath) return;
    metrics.observeIngest(performance.now() - (request as unknown as { startedAt: number }).startedAt);
    if (reply.statusCode >= 400) metrics.reject(rateLimited.has(request) ? 'rate_limited' : reasonOf(reply.statusCode));
  });

  // Whatever a client sends maps to a 4xx; only our own faults are 5xx, and they are logged.
  app.setErrorHandler((err: FastifyError | ClientError | OverloadedError, request, reply) => {
    if (err instanceof OverloadedError) {
      return reply.code(429).header('retry-after', '1').send({ error: 'overloaded', message: 'the server is busy; retry after the Retry-After delay' });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = err instanceof ClientError ? err.code : codeOf(err as FastifyError);
      if (code === 'rate_limited') rateLimited.add(request);
      const body: Record<string, unknown> = { error: code, message: err.message };
      if (err instanceof ClientError && err.issues) body.issues = err.issues;
      return reply.code(status).send(body);
    }
    request.log.error({ err, url: request.url }, 'internal error');
    return reply.code(status >= 500 ? status : 500).send({ error: 'internal', message: 'internal server error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.slice(0, 200)}` }));

  // With adminPort, the SOC API and the dashboard listen apart from ingest (docs/dashboard.md).
  const adminApp = config.adminPort === undefined ? undefined : createAdminApp(config, options.logger);
  await limiter.register(app);
  if (adminApp) await limiter.register(adminApp);
  ctx.limits = { limiter, adminGuesses: limiter.failures(adminApp ?? app, 'adminGuesses') };
  ctx.places = places;
  // A new policy may carry new limits: read them on the next request rather than after the cache's 30 s.
  (adminApp ?? app).addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.url.startsWith('/api/v1/policy') && reply.statusCode < 300) {
      limiter.invalidate();
      await places.refresh();
    }
  });
  ingestRoutes(app, ctx);
  socRoutes(adminApp ?? app, ctx);
  lifecycleRoutes(adminApp ?? app, ctx);
  caseRoutes(adminApp ?? app, ctx);
  policyRoutes(adminApp ?? app, ctx);
  graphRoutes(adminApp ?? app, ctx);
  placeRoutes(adminApp ?? app, ctx, places);
  if (adminApp) app.get('/healthz', async () => ({ ok: true }));
  const dashboard = registerDashboard(adminApp ?? app, ctx);
  const dropUnused = [app, ...(adminApp ? [adminApp] : [])].map((a) => unusedSocketCloser(a.server));
  let ingestAddress = '';
  let adminAddress: string | undefined;

  const runSilenceCheck = () => storage.checkSilence(now(), config.silentGraceHours);
  const runPrune = () => {
    const t = now().getTime();
    return storage.prune(new Date(t - config.retentionDays * 86_400_000), new Date(t - config.colocation.windowHours * 3_600_000));
  };
  // A nonce older than twice the allowed clock skew can no longer come back in a signature the server accepts.
  const runNoncePrune = () => storage.pruneNonces(now().getTime() - 2 * maxSkewMs);
  const timers: NodeJS.Timeout[] = [];
  // Background work runs one task at a time, and close() waits for the one in hand before closing storage.
  let background: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const guarded = (what: string, fn: () => Promise<unknown>) => () => {
    if (stopped) return;
    background = background.then(() => (stopped ? undefined : fn())).catch((err: unknown) => options.logger.error({ err }, `${what} failed`));
  };
  // Several replicas on PostgreSQL: only the one holding the timers' lock runs them; another takes over on its next tick.
  const leading = (fn: () => Promise<unknown>) => async () => ((await storage.holdsTimers?.()) ?? true ? fn() : undefined);
  if (options.timers ?? true) {
    timers.push(setInterval(guarded('silence check', leading(runSilenceCheck)), options.silenceCheckMs ?? 60_000).unref());
    timers.push(setInterval(guarded('retention prune', leading(runPrune)), options.pruneMs ?? 3_600_000).unref());
    timers.push(setInterval(guarded('nonce prune', leading(runNoncePrune)), 600_000).unref());
    setImmediate(guarded('retention prune', leading(runPrune)));
    setImmediate(guarded('nonce prune', leading(runNoncePrune)));
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    async listen() {
      ingestAddress = await app.listen({ host: config.host, port: config.port });
      if (adminApp) adminAddress = await adminApp.listen({ host: config.adminHost ?? '127.0.0.1', port: config.adminPort ?? 0 });
      return ingestAddress;
    },
    dashboard,
    dashboardUrl: () => `${adminAddress ?? ingestAddress}/dashboard/`,
    runSilenceCheck,
    runPrune,
    ingestPool,
    settled: () => queue.drained(),
    close() {
      closing ??= (async () => {
        stopped = true;
        for (const t of timers) clearInterval(t);
        for (const drop of dropUnused) drop();
        await adminApp?.close();
        await app.close();
        await background;
        await queue.drained();
        await ingestPool.close();
        await forwarders.stop();
        await storage.close();
      })();
      return closing;
    },
  };
}

/** Fastify's own client-error codes, renamed into the documented list (docs/api.md). */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_BAD_URL: 'bad_url',
};
function codeOf(err: FastifyError): string {
  return fastifyCodes[err.code] ?? 'bad_request';
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 413: 'too_large', 415: 'unsupported_media_type', 429: 'overloaded' };
  return reasons[status] ?? `status_${status}`;
}
