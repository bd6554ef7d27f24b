import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { alertStatuses } from '../db/records.js';
import { guardOf } from '../lifecycle/guard.js';

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(400).optional(),
});
const historyQuery = z.object({ history: z.coerce.number().int().min(1).max(1000).default(100) });
const alertsQuery = z.object({
  status: z.enum(alertStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(40).optional(),
});
const alertId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const deviceId = z.object({ id: z.string().min(1).max(128) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ClientError(400, 'invalid_request', `invalid ${what}`, r.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })));
  return r.data;
}

// The cursor is opaque to clients: base64url of the last device id of the page.
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (c: string) => Buffer.from(c, 'base64url').toString('utf8');
// Alerts are listed newest first; their cursor is the id of the page's last (oldest) alert.
const alertCursor = z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).pipe(z.number().int().max(Number.MAX_SAFE_INTEGER));

export function socRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const onRequest = adminOnly(ctx);

  app.get('/api/v1/devices', { onRequest }, async (request) => {
    const q = parse(pageQuery, request.query, 'query');
    const page = await ctx.storage.listDevices({ limit: q.limit, after: q.cursor ? decodeCursor(q.cursor) : undefined });
    return page.next ? { devices: page.devices, nextCursor: encodeCursor(page.next) } : { devices: page.devices };
  });

  app.get('/api/v1/devices/:id', { onRequest }, async (request) => {
    const { id } = parse(deviceId, request.params, 'device id');
    const { history } = parse(historyQuery, request.query, 'query');
    const detail = await ctx.storage.getDevice(id, history);
    if (!detail) throw new ClientError(404, 'not_found', `no device ${id}`);
    // `source` (country, ASN of the latest report) and `serverFindings` (geo.*, fleet.*).
    Object.assign(detail, await ctx.storage.deviceIntel(id));
    // Standing: status, signing, clock skew, policy version, integrity hashes, the server's own score.
    return { ...detail, standing: await ctx.storage.deviceStanding(id) };
  });

  app.post('/api/v1/devices/:id/reset', { onRequest }, async (request) => {
    const { id } = parse(deviceId, request.params, 'device id');
    if (!(await ctx.storage.resetDevice(id, ctx.now()))) throw new ClientError(404, 'not_found', `no device ${id}`);
    guardOf(ctx).forget(id);
    request.log.warn({ deviceId: id }, 'device reset: its token is revoked and it may enroll again');
    return { deviceId: id, reset: true };
  });

  app.get('/api/v1/alerts', { onRequest }, async (request) => {
    const q = parse(alertsQuery, request.query, 'query');
    const before = q.cursor === undefined ? undefined : parse(alertCursor, decodeCursor(q.cursor), 'cursor');
    // One more than the page: whether a next page exists without counting the table.
    const alerts = await ctx.storage.listAlerts(q.status, { limit: q.limit + 1, before });
    const last = alerts.length > q.limit ? alerts[q.limit - 1] : undefined;
    return last ? { alerts: alerts.slice(0, q.limit), nextCursor: encodeCursor(String(last.id)) } : { alerts };
  });

  for (const [action, to] of [['ack', 'acknowledged'], ['resolve', 'resolved']] as const) {
    app.post(`/api/v1/alerts/:id/${action}`, { onRequest }, async (request) => {
      const { id } = parse(alertId, request.params, 'alert id');
      const result = await ctx.storage.transitionAlert(id, to, ctx.now());
      if (result === 'not-found') throw new ClientError(404, 'not_found', `no alert ${id}`);
      if (result === 'conflict') throw new ClientError(409, 'bad_transition', `alert ${id} cannot become ${to} from its current status`);
      return { alert: result };
    });
  }

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/metrics', { onRequest }, async (_request, reply) => {
    let text = ctx.metrics.render(await ctx.storage.stats(), ctx.queue.depth);
    for (const section of ctx.metrics.sections) text += await section();
    return reply.type('text/plain; version=0.0.4').send(text);
  });
}
