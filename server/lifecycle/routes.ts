import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { hashToken, newToken } from '../tokens.js';
import { guardOf } from './guard.js';

const deviceId = z.object({ id: z.string().min(1).max(128) });
const pendingId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
/** An approval may name the key it approves (full or short fingerprint, as `farmwatch enroll` printed it). */
const decisionRequest = z.strictObject({ keyFingerprint: z.string().min(1).max(200).optional() }).optional();
const secretRequest = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (1-64)'),
  expiresAt: z.iso.datetime({ offset: true }),
  uses: z.number().int().min(1).max(1_000_000),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ClientError(400, 'invalid_request', `invalid ${what}`, r.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })));
  return r.data;
}

/** Device lifecycle admin API: rotate, revoke, decommission, the approval queue, named enroll secrets (docs/api.md). */
export function lifecycleRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const onRequest = adminOnly(ctx);
  const guard = guardOf(ctx);

  app.post('/api/v1/devices/:id/rotate', { onRequest }, async (request) => {
    const { id } = parse(deviceId, request.params, 'device id');
    const token = newToken();
    if (!(await ctx.storage.rotateToken(id, hashToken(token), ctx.now()))) throw new ClientError(404, 'not_found', `no enrolled, active device ${id}`);
    request.log.warn({ deviceId: id }, 'device token rotated: the old token is refused from now on');
    // Shown once: only its hash is stored. The device needs it in its enrollment.json (or a reset and a new enrollment).
    return { deviceId: id, token };
  });

  for (const status of ['revoked', 'decommissioned'] as const) {
    const action = status === 'revoked' ? 'revoke' : 'decommission';
    app.post(`/api/v1/devices/:id/${action}`, { onRequest }, async (request) => {
      const { id } = parse(deviceId, request.params, 'device id');
      if (!(await ctx.storage.setDeviceStatus(id, status, ctx.now()))) throw new ClientError(404, 'not_found', `no device ${id}`);
      guard.forget(id);
      request.log.warn({ deviceId: id }, `device ${status}`);
      return { deviceId: id, status };
    });
  }

  app.get('/api/v1/enrollments/pending', { onRequest }, async () => ({ pending: await ctx.storage.listPendingEnrollments() }));

  for (const decision of ['approved', 'denied'] as const) {
    app.post(`/api/v1/enrollments/:id/${decision === 'approved' ? 'approve' : 'deny'}`, { onRequest }, async (request) => {
      const { id } = parse(pendingId, request.params, 'enrollment id');
      const body = parse(decisionRequest, request.body ?? undefined, 'enrollment decision');
      const result = await ctx.storage.decidePending(id, decision, ctx.now(), body?.keyFingerprint);
      if (result === 'not-found') throw new ClientError(404, 'not_found', `no pending enrollment ${id}`);
      if (result === 'conflict') throw new ClientError(409, 'bad_transition', `enrollment ${id} was already decided`);
      if ('refusal' in result) throw new ClientError(409, result.refusal, result.reason);
      request.log.warn({ pendingId: id, deviceId: result.deviceId, keyFingerprint: result.keyFingerprint }, `enrollment ${decision}`);
      return { enrollment: result };
    });
  }

  app.post('/api/v1/enroll-secrets', { onRequest }, async (request, reply) => {
    const body = parse(secretRequest, request.body, 'enroll secret');
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt.getTime() <= ctx.now().getTime()) throw new ClientError(400, 'invalid_request', 'expiresAt must be in the future');
    const secret = newToken();
    const created = await ctx.storage.createEnrollSecret({ name: body.name, hash: hashToken(secret), expiresAt, uses: body.uses, at: ctx.now() });
    if (created === 'conflict') throw new ClientError(409, 'already_exists', `an enroll secret named ${body.name} exists`);
    // Shown once: the server keeps only its SHA-256.
    return reply.code(201).send({ name: body.name, secret, expiresAt: expiresAt.toISOString(), uses: body.uses });
  });

  app.get('/api/v1/enroll-secrets', { onRequest }, async () => ({ secrets: await ctx.storage.listEnrollSecrets() }));
}
