import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import { adminOnly, type ServerContext } from '../context.js';
import { casesOf } from '../cases/actions.js';
import { caseDossier } from '../cases/dossier.js';
import { exportHtml } from '../dashboard/case-export.js';
import { caseStates, resolutions } from '../cases/store.js';

const caseId = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const listQuery = z.object({ state: z.enum([...caseStates, 'open']).optional(), device: z.string().min(1).max(128).optional() });
const stateBody = z.object({ state: z.enum(['investigating', 'resolved']), reason: z.enum(resolutions).optional() });
const assignBody = z.object({ assignee: z.string().trim().max(100).nullable() });
const noteBody = z.object({ text: z.string().trim().min(1).max(4000) });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ClientError(400, 'invalid_request', `invalid ${what}`, r.error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })));
  return r.data;
}

/** Who acted, as the log and the case's timeline record it: there are no per-user accounts, so the credential and address. */
export const apiActor = (request: FastifyRequest) => `admin token from ${request.ip}`;

/** The SOC API's cases (docs/api.md): admin token for reads and writes, like the alerts. */
export function caseRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const onRequest = adminOnly(ctx);
  const cases = casesOf(ctx);
  const found = async (id: number) => {
    const c = await cases.store.get(id);
    if (!c) throw new ClientError(404, 'not_found', `no case ${id}`);
    return c;
  };

  app.get('/api/v1/cases', { onRequest }, async (request) => {
    const q = parse(listQuery, request.query, 'query');
    await cases.synced();
    return { cases: await cases.store.list({ ...(q.state ? { state: q.state } : {}), ...(q.device ? { deviceId: q.device } : {}) }) };
  });

  app.get('/api/v1/cases/:id', { onRequest }, async (request) => {
    const { id } = parse(caseId, request.params, 'case id');
    await cases.synced();
    const d = await caseDossier(ctx, cases, await found(id));
    return { case: d.case, alerts: d.alerts, devices: d.devices.map((x) => ({ deviceId: x.deviceId, hostname: x.hostname, breakdown: x.breakdown, blindSpots: x.blind })), timeline: d.timeline };
  });

  app.post('/api/v1/cases/:id/state', { onRequest }, async (request) => {
    const { id } = parse(caseId, request.params, 'case id');
    const body = parse(stateBody, request.body, 'body');
    if (body.state === 'resolved' && !body.reason) throw new ClientError(400, 'invalid_request', `resolving a case needs a reason: ${resolutions.join(', ')}`);
    const result = await cases.act(id, body.state, body.reason ?? null, apiActor(request));
    if (result === 'not-found') throw new ClientError(404, 'not_found', `no case ${id}`);
    if (result === 'conflict') throw new ClientError(409, 'bad_transition', `case ${id} cannot become ${body.state} from its current state`);
    request.log.info({ caseId: id, state: body.state, reason: body.reason }, 'case changed');
    return { case: result };
  });

  app.post('/api/v1/cases/:id/assign', { onRequest }, async (request) => {
    const { id } = parse(caseId, request.params, 'case id');
    const { assignee } = parse(assignBody, request.body, 'body');
    const c = await cases.store.assign(id, assignee || null, apiActor(request), ctx.now());
    if (!c) throw new ClientError(404, 'not_found', `no case ${id}`);
    return { case: c };
  });

  app.post('/api/v1/cases/:id/notes', { onRequest }, async (request) => {
    const { id } = parse(caseId, request.params, 'case id');
    const { text } = parse(noteBody, request.body, 'body');
    const note = await cases.store.note(id, text, apiActor(request), ctx.now());
    if (!note) throw new ClientError(404, 'not_found', `no case ${id}`);
    return { note };
  });

  app.get('/api/v1/cases/:id/export', { onRequest }, async (request, reply) => {
    const { id } = parse(caseId, request.params, 'case id');
    const c = await found(id);
    const actor = apiActor(request);
    await cases.store.logExport(id, actor, ctx.now());
    request.log.warn({ caseId: id, actor }, 'case exported (personal data)');
    const body = exportHtml(await caseDossier(ctx, cases, c), ctx.now(), actor);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="farmwatch-case-${id}.html"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
