import type { FastifyError, FastifyInstance } from 'fastify';
import { ClientError, readBody } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { guardOf } from '../lifecycle/guard.js';
import { parseInventoryCsv } from '../policy/parse-inventory-csv.js';
import { policyBodySchema } from '../policy/schema.js';

/** Central policy admin API: GET/PUT the versioned policy, import the inventory CSV, list devices that never enrolled. */
export function policyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const onRequest = adminOnly(ctx);
  const guard = guardOf(ctx);

  app.addContentTypeParser('text/csv', (request, payload, done) => {
    readBody(payload)
      .then((text) => done(null, text))
      .catch((err: Error) => done(err as FastifyError, undefined));
  });

  app.get('/api/v1/policy', { onRequest }, async () => ctx.storage.currentPolicy());

  app.put('/api/v1/policy', { onRequest }, async (request) => {
    const parsed = policyBodySchema.safeParse(request.body);
    if (!parsed.success) {
      throw new ClientError(400, 'invalid_policy', 'the policy does not match its schema', parsed.error.issues.slice(0, 50).map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })));
    }
    const record = await ctx.storage.putPolicy(parsed.data, ctx.now());
    await guard.reloadPolicy();
    request.log.warn({ version: record.version }, 'policy changed');
    return record;
  });

  app.post('/api/v1/policy/import', { onRequest }, async (request) => {
    if (typeof request.body !== 'string') throw new ClientError(415, 'unsupported_media_type', 'send the inventory as Content-Type: text/csv');
    let parsed;
    try {
      parsed = parseInventoryCsv(request.body);
    } catch (err) {
      throw new ClientError(400, 'invalid_csv', (err as Error).message);
    }
    const current = await ctx.storage.currentPolicy();
    const record = await ctx.storage.putPolicy(current.body, ctx.now(), parsed.rows);
    await guard.reloadPolicy();
    request.log.warn({ version: record.version, rows: parsed.rows.length, skipped: parsed.skipped.length }, 'inventory imported');
    return { version: record.version, imported: parsed.rows.length, skipped: parsed.skipped };
  });

  app.get('/api/v1/inventory/missing', { onRequest }, async () => ({ missing: await ctx.storage.missingInventory() }));
}
