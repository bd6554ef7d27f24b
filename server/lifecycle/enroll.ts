import type { KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { enrollRequestSchema, type EnrollResponse } from '../../schema/report.js';
import { ClientError } from '../body.js';
import type { ServerContext } from '../context.js';
import { hashToken, newToken, sameSecret } from '../tokens.js';
import { keyFingerprint, shortFingerprint } from '../../schema/enroll-proof.js';
import { enrollProof } from './enroll-signature.js';
import { guardOf, parsePublicKey } from './guard.js';

/**
 * POST /api/v1/enroll. The legacy fleet secret or a named one (expiry, use count); the agent's Ed25519 public key
 * when it has one, the request signed by it. A collision (deviceId already enrolled, the same hardware under
 * another id, a placeholder serial) waits in the approval queue with that key: 409 with `pending` and the key's
 * fingerprint; once an admin approved that key, a request with a valid secret signed by it completes.
 * The decision itself is decideEnrollment (enroll-decision.ts), shared by both storage engines.
 */
export async function enrollHandler(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const parsed = enrollRequestSchema.safeParse(request.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.map(String), code: i.code, message: i.message }));
    throw new ClientError(400, 'invalid_request', 'invalid enroll request', issues);
  }
  const req = parsed.data;
  let key: KeyObject | null = null;
  if (req.publicKey !== undefined) {
    try {
      key = parsePublicKey(req.publicKey);
    } catch (err) {
      throw new ClientError(400, 'invalid_request', `publicKey: ${(err as Error).message}`);
    }
  }
  const proof = enrollProof(request.headers, (request as FastifyRequest & { bodyText: string }).bodyText, key, ctx.now().getTime());
  const token = newToken();
  const outcome = await ctx.storage.enrollDevice({
    deviceId: req.deviceId,
    hostname: req.hostname,
    platform: req.platform,
    agentVersion: req.agentVersion,
    tokenHash: hashToken(token),
    publicKey: req.publicKey ?? null,
    keyProven: proof.keyProven,
    nonce: proof.nonce,
    hardwareId: req.hardwareId ?? null,
    serial: req.serial ?? null,
    secret: sameSecret(req.secret, ctx.enrollSecretHash) ? { kind: 'legacy' } : { kind: 'named', hash: hashToken(req.secret) },
    at: ctx.now(),
  });
  if (outcome.status === 'refused') {
    // A trace for the SOC: someone asked to be this device and could not prove it (or a reimaged laptop not yet approved).
    request.log.warn({ deviceId: req.deviceId, refused: outcome.code, keyProven: proof.keyProven }, 'enrollment refused');
    throw new ClientError(outcome.httpStatus, outcome.code, outcome.reason);
  }
  if (outcome.status === 'pending') {
    // Queued only with a proven key (decideEnrollment), so the fingerprint is there.
    const fingerprint = keyFingerprint(req.publicKey ?? '') ?? '';
    const short = shortFingerprint(fingerprint);
    request.log.warn({ deviceId: req.deviceId, pendingId: outcome.id, reason: outcome.reason, keyFingerprint: fingerprint }, 'enrollment waits for approval');
    const code = outcome.collision === 'device-id' ? 'already_enrolled' : 'pending_approval';
    const message =
      outcome.collision === 'device-id'
        ? `device ${req.deviceId} is already enrolled; an admin resets it (POST /api/v1/devices/:id/reset) or approves enrollment ${outcome.id} (key ${short}) before it can enroll again`
        : `enrollment ${outcome.id} waits for an admin's approval of key ${short} (${outcome.reason}); run enroll again once approved`;
    return reply.code(409).send({ error: code, message, pending: { id: outcome.id, reason: outcome.reason, keyFingerprint: fingerprint, keyFingerprintShort: short } });
  }
  request.log.info({ deviceId: req.deviceId, hostname: req.hostname, secret: outcome.secretName ?? 'fleet' }, 'device enrolled');
  const policy = await guardOf(ctx).policyForNew(req.deviceId);
  const response: EnrollResponse = { deviceId: req.deviceId, token, fleetKey: await ctx.storage.fleetKey(), policy };
  return reply.code(200).send(response);
}
