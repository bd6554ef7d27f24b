import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { enrollRequestSchema, reportSchema, type EnrollResponse } from '../../schema/report.js';
import { ClientError } from '../body.js';
import { normaliseIp, type ServerContext } from '../context.js';
import type { DeviceAuth } from '../storage/types.js';
import { bearerToken, hashToken, newToken, sameSecret } from '../tokens.js';

const issuesOf = (error: z.ZodError) =>
  error.issues.slice(0, 50).map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));

const deviceOf = new WeakMap<FastifyRequest, DeviceAuth>();

export function ingestRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/v1/enroll', async (request, reply) => {
    const parsed = enrollRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new ClientError(400, 'invalid_request', 'invalid enroll request', issuesOf(parsed.error));
    const req = parsed.data;
    if (!sameSecret(req.secret, ctx.enrollSecretHash)) throw new ClientError(401, 'bad_secret', 'wrong enroll secret');
    const token = newToken();
    const outcome = await ctx.storage.enroll({
      deviceId: req.deviceId,
      hostname: req.hostname,
      platform: req.platform,
      agentVersion: req.agentVersion,
      tokenHash: hashToken(token),
      at: ctx.now(),
    });
    if (outcome === 'conflict') {
      throw new ClientError(409, 'already_enrolled', `device ${req.deviceId} is already enrolled; an admin resets it (POST /api/v1/devices/:id/reset) before it can enroll again`);
    }
    request.log.info({ deviceId: req.deviceId, hostname: req.hostname }, 'device enrolled');
    const response: EnrollResponse = { deviceId: req.deviceId, token, fleetKey: await ctx.storage.fleetKey() };
    return reply.code(200).send(response);
  });

  app.post(
    '/api/v1/reports',
    {
      // Authenticate before the body is read: an unknown token costs one hash and one indexed lookup.
      onRequest: async (request) => {
        const token = bearerToken(request.headers.authorization);
        const device = token ? await ctx.storage.authenticate(hashToken(token)) : null;
        if (!device) throw new ClientError(401, 'unauthorized', 'unknown or revoked device token; re-enroll the device (farmwatch enroll)');
        deviceOf.set(request, device);
      },
    },
    async (request, reply) => {
      const device = deviceOf.get(request) as DeviceAuth;
      const parsed = reportSchema.safeParse(request.body);
      if (!parsed.success) throw new ClientError(400, 'invalid_report', 'the report does not match the v1 schema', issuesOf(parsed.error));
      const report = parsed.data;
      if (report.deviceId !== device.deviceId) throw new ClientError(403, 'device_mismatch', 'the report names another device than the token');
      const receivedAt = ctx.now();
      const sourceIp = normaliseIp(request.ip);
      const outcome = await ctx.queue.submit({
        report,
        body: (request as FastifyRequest & { bodyText: string }).bodyText,
        sourceIp,
        sourceIsOffice: ctx.isOffice(sourceIp),
        receivedAt,
      });
      if (outcome === 'duplicate') {
        ctx.metrics.duplicates++;
        return reply.code(200).send({ duplicate: true });
      }
      ctx.metrics.accepted++;
      return reply.code(202).send({ accepted: true });
    },
  );
}
