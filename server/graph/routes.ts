import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { readClusters } from './store.js';
import { graphOf } from './observe.js';

const deviceId = z.object({ id: z.string().min(1).max(128) });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * The clusters, read-only (docs/api.md): laptops joined by co-location, a shared operator or a shared peripheral,
 * each edge with its reasons (the alerts that join the two laptops and the keys they share).
 */
export function graphRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const onRequest = adminOnly(ctx);
  // Created with the routes, so that GET /metrics shows its counters from the start.
  graphOf(ctx);

  app.get('/api/v1/clusters', { onRequest }, async (request) => {
    const q = listQuery.safeParse(request.query);
    if (!q.success) throw new ClientError(400, 'invalid_request', 'invalid query');
    const clusters = await readClusters(ctx.storage.sql);
    return { clusters: clusters.slice(0, q.data.limit), total: clusters.length };
  });

  app.get('/api/v1/devices/:id/cluster', { onRequest }, async (request) => {
    const p = deviceId.safeParse(request.params);
    if (!p.success) throw new ClientError(400, 'invalid_request', 'invalid device id');
    const cluster = (await readClusters(ctx.storage.sql)).find((c) => c.deviceIds.includes(p.data.id));
    return { deviceId: p.data.id, cluster: cluster ?? null };
  });
}
