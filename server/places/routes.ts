import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { guardOf } from '../lifecycle/guard.js';
import type { PolicyBody } from '../policy/schema.js';
import type { PlaceBook } from './book.js';

const declaration = z.strictObject({ role: z.enum(['office', 'ignored', 'none']), label: z.string().max(200).optional() });
const placeParams = z.object({ kind: z.enum(['ip', 'gateway', 'wifi']), value: z.string().min(1).max(128) });

/** The policy with one place declared (or its declaration removed when `role` is undefined): a new policy version. */
export function withPlace(body: PolicyBody, kind: 'ip' | 'gateway' | 'wifi', value: string, role?: 'office' | 'ignored' | 'none', label?: string): PolicyBody {
  const places = body.places.filter((p) => p.kind !== kind || p.value !== value);
  if (role) places.push({ kind, value, role, ...(label ? { label } : {}) });
  return { ...body, places };
}

/** Declares one place (or removes its declaration) as a new policy version, and has the places read it at once. */
export async function declarePlace(ctx: ServerContext, places: PlaceBook, kind: 'ip' | 'gateway' | 'wifi', value: string, role?: 'office' | 'ignored' | 'none', label?: string) {
  const current = await ctx.storage.currentPolicy();
  const record = await ctx.storage.putPolicy(withPlace(current.body, kind, value, role, label), ctx.now());
  await guardOf(ctx).reloadPolicy();
  await places.refresh();
  return record;
}

export const placeForm = z.object({ kind: z.enum(['ip', 'gateway', 'wifi']), value: z.string().trim().min(1).max(128), role: z.enum(['office', 'ignored', 'none']), label: z.string().max(200).optional() });

/**
 * GET /api/v1/places: office and ignored places, learned and declared. PUT/DELETE /api/v1/places/:kind/:value declare
 * (or forget) one place by writing a new version of the central policy, so the policy stays the one place they live.
 */
export function placeRoutes(app: FastifyInstance, ctx: ServerContext, places: PlaceBook): void {
  const onRequest = adminOnly(ctx);
  const change = (kind: 'ip' | 'gateway' | 'wifi', value: string, role?: 'office' | 'ignored' | 'none', label?: string) => declarePlace(ctx, places, kind, value, role, label);
  app.get('/api/v1/places', { onRequest }, async () => ({ places: await places.list() }));
  app.put('/api/v1/places/:kind/:value', { onRequest }, async (request) => {
    const params = placeParams.safeParse(request.params);
    const body = declaration.safeParse(request.body);
    if (!params.success || !body.success) throw new ClientError(400, 'invalid_place', 'kind is ip, gateway or wifi; the body is {"role": "office" | "ignored" | "none", "label"?: string}');
    const record = await change(params.data.kind, params.data.value, body.data.role, body.data.label);
    return { policyVersion: record.version, places: await places.list() };
  });
  app.delete('/api/v1/places/:kind/:value', { onRequest }, async (request) => {
    const params = placeParams.safeParse(request.params);
    if (!params.success) throw new ClientError(400, 'invalid_place', 'kind is ip, gateway or wifi');
    const record = await change(params.data.kind, params.data.value);
    return { policyVersion: record.version, places: await places.list() };
  });
}
