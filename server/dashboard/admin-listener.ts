import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ClientError } from '../body.js';
import type { ServerConfig } from '../config.js';

/**
 * The listener of `adminHost:adminPort`: the dashboard and the SOC API, apart from ingest, so that the ingest port
 * can face the Internet while this one stays on a private address. It serves the same certificate as ingest but
 * asks no client certificate (those are the agents'). Errors answer in the SOC API's JSON shape.
 */
export function createAdminApp(config: ServerConfig, logger: Logger): FastifyInstance {
  const https = config.tls && { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    // The same bound as ingest: the admin API takes policy documents (PUT /api/v1/policy).
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 200 },
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;
  app.setErrorHandler((err: FastifyError | ClientError, request, reply) => {
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const body: Record<string, unknown> = { error: err instanceof ClientError ? err.code : 'bad_request', message: err.message };
      if (err instanceof ClientError && err.issues) body.issues = err.issues;
      return reply.code(status).send(body);
    }
    request.log.error({ err, url: request.url }, 'internal error');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.slice(0, 200)}` }));
  return app;
}
