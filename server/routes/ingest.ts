import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ClientError } from '../body.js';
import { normaliseIp, type ServerContext } from '../context.js';
import { enrollHandler } from '../lifecycle/enroll.js';
import { guardOf } from '../lifecycle/guard.js';
import { graphOf } from '../graph/observe.js';
import { clientErrorOf } from '../ingest-pool/index.js';
import { signatureParts, type SignatureParts } from '../lifecycle/report-signature.js';
import type { DeviceAuth } from '../db/records.js';
import { bearerToken, hashToken, sameSecret } from '../tokens.js';
import { secretKeyOf } from '../limits/index.js';

/** A report's body as the content-type parser leaves it: read, not yet parsed (that is part of its preparation). */
export const deferredBody: unique symbol = Symbol('report body, parsed by its preparation');

/** The headers a verified signature had: all three, or the preparation's answer was not to be believed (a 500). */
function completeParts(parts: SignatureParts): Required<SignatureParts> {
  const { signature, timestamp, nonce } = parts;
  if (signature === undefined || timestamp === undefined || nonce === undefined) throw new Error('report preparation passed a signature without its headers');
  return { signature, timestamp, nonce };
}

const deviceOf = new WeakMap<FastifyRequest, DeviceAuth>();

export function ingestRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const limiter = ctx.limits?.limiter;
  // Enrollment: a wrong secret counts against its address; every enrollment takes a token of its secret, so a
  // rollout of thousands behind one office address passes while guessing from any address is slowed.
  const guesses = limiter?.failures(app, 'enrollGuesses');
  const perSecret = limiter?.perKey(app, 'enrollPerSecret', (request) =>
    secretKeyOf((request.body as { secret?: unknown } | null)?.secret, (secret) => sameSecret(secret, ctx.enrollSecretHash)),
  );
  app.post('/api/v1/enroll', { ...(guesses ? { onRequest: guesses.check } : {}), ...(perSecret ? { preHandler: perSecret } : {}) }, async (request, reply) => {
    try {
      return await enrollHandler(ctx, request, reply);
    } catch (err) {
      if (err instanceof ClientError && err.code === 'bad_secret') await guesses?.failed(request);
      throw err;
    }
  });
  // After authentication: the device's own bucket, before its body is read.
  const perDevice = limiter?.perKey(app, 'reports', (request) => deviceOf.get(request)?.deviceId ?? 'unauthenticated');

  app.post(
    '/api/v1/reports',
    {
      // Authenticate before the body is read: an unknown token costs one hash and one indexed lookup.
      onRequest: [
        async (request: FastifyRequest) => {
          const token = bearerToken(request.headers.authorization);
          const device = token ? await ctx.storage.authenticate(hashToken(token)) : null;
          if (!device) throw new ClientError(401, 'unauthorized', 'unknown or revoked device token; re-enroll the device (farmwatch enroll)');
          deviceOf.set(request, device);
        },
        ...(perDevice ? [perDevice] : []),
      ],
    },
    async (request, reply) => {
      const device = deviceOf.get(request) as DeviceAuth;
      const guard = guardOf(ctx);
      const signature = signatureParts(request.headers);
      const publicKey = await guard.signingKey(device.deviceId);
      // JSON, signature, re-keyed identifiers and schema: CPU work without the database, on a worker under load.
      const text = request.body === deferredBody ? (request as FastifyRequest & { bodyText: string }).bodyText : null;
      const prepared = await ctx.ingestPool.prepare({ text, publicKey, signature });
      if (prepared.kind === 'fault') throw new Error(`report preparation failed: ${prepared.message}`);
      if (prepared.kind === 'refused') throw clientErrorOf(prepared.refusal);
      // The signature verified: its time and nonce are judged here, against this server's clock and database.
      const signed = publicKey === null ? { signed: false as const } : await guard.admit(device.deviceId, completeParts(signature));
      if (prepared.kind === 'invalid') throw clientErrorOf(prepared.refusal);
      const report = prepared.report;
      if (report.deviceId !== device.deviceId) throw new ClientError(403, 'device_mismatch', 'the report names another device than the token');
      const judged = await guard.judge(report, (policy) => graphOf(ctx).helpdeskOf(policy));
      const receivedAt = ctx.now();
      const sourceIp = normaliseIp(request.ip);
      const item = {
        report,
        body: prepared.body,
        // A Buffer from this thread, a Uint8Array from a worker's message: the same bytes either way.
        factsHash: prepared.factsHash && Buffer.from(prepared.factsHash.buffer, prepared.factsHash.byteOffset, prepared.factsHash.byteLength),
        sourceIp,
        sourceIsOffice: ctx.isOffice(sourceIp),
        source: ctx.geo?.lookup(sourceIp),
        receivedAt,
        guard: { ...signed, ...judged.guard },
      };
      const outcome = await ctx.queue.submit(item);
      if (outcome === 'duplicate') {
        ctx.metrics.duplicates++;
        return reply.code(200).send({ duplicate: true, policy: judged.policy });
      }
      ctx.metrics.accepted++;
      // The verdict log (server/cases/verdict-log.ts) was written in the ingest's own transaction.
      // The operator graph (server/graph/), after the commit: shared peers and peripherals across laptops.
      const graph = graphOf(ctx);
      await graph.observe(item, await guard.policyFor(report.deviceId)).catch((err: unknown) => {
        graph.counts.errors++;
        request.log.error({ err }, 'operator graph failed');
      });
      return reply.code(202).send({ accepted: true, policy: judged.policy });
    },
  );
}
