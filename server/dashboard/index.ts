import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ClientError } from '../body.js';
import type { ServerContext } from '../context.js';
import type { Alert } from '../db/records.js';
import { guardOf } from '../lifecycle/guard.js';
import { hashToken, newToken, sameSecret } from '../tokens.js';
import { deviceHref } from './format.js';
import { html } from './html.js';
import { page } from './layout.js';
import { alertsPage, alertsPageSize, alertTabs } from './pages/alerts.js';
import { clustersPage } from './pages/clusters.js';
import { placesPage } from './pages/places.js';
import { declarePlace, placeForm } from '../places/routes.js';
import { devicePage, notFoundPage } from './pages/device.js';
import { newHireWindow } from './pages/device-graph.js';
import { readClusters } from '../graph/store.js';
import { fleetPage } from './pages/fleet.js';
import { deviceActions, pendingPage, rotatedPage } from './pages/lifecycle.js';
import { loginPage, oncePage } from './pages/login.js';
import { defaultSessionPolicy, sameCsrf, SessionStore, type Session, type SessionPolicy } from './sessions.js';
import { icon, stylesheet } from './style.js';
import { createHash } from 'node:crypto';
import { casesOf } from '../cases/actions.js';
import { caseDossier, deviceFile } from '../cases/dossier.js';
import { exportHtml } from './case-export.js';
import { resolutions, type Resolution } from '../cases/store.js';
import { caseHref, casePage, casesPage, caseTabs } from './pages/cases.js';

export interface Dashboard {
  sessions: SessionStore;
  /** A single-use sign-in link (for `farmwatch demo`); made in-process only, never over HTTP. */
  loginLink(baseUrl: string, ttlMs?: number): string;
}

const cookieName = 'fw_session';
// No script anywhere: the policy forbids it, so even an escaping mistake could not run an agent's text.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const colocationRule = 'fleet.colocation';
const alertId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === cookieName) return v.join('=');
  }
  return undefined;
}

function setCookie(reply: FastifyReply, request: FastifyRequest, value: string, clear = false): void {
  // A browser-session cookie (no Max-Age): the server enforces idle and absolute expiry itself.
  const attrs = [`${cookieName}=${value}`, 'Path=/dashboard', 'HttpOnly', 'SameSite=Strict'];
  if (clear) attrs.push('Max-Age=0');
  if (request.protocol === 'https') attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}

/** Defence in depth beside SameSite=Strict and the CSRF token: a POST whose Origin is another site is refused. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Back to the dashboard page the form was on (Referer is sent same-origin only), else the alerts. */
function backTo(request: FastifyRequest): string {
  try {
    const ref = new URL(request.headers.referer ?? '');
    if (ref.host === request.headers.host && ref.pathname.startsWith('/dashboard/') && !ref.pathname.startsWith('/dashboard/login')) return ref.pathname + ref.search;
  } catch {
    /* no usable Referer */
  }
  return '/dashboard/alerts';
}

const formOf = (request: FastifyRequest): Record<string, string> => (request.body && typeof request.body === 'object' ? (request.body as Record<string, string>) : {});

export function registerDashboard(app: FastifyInstance, ctx: ServerContext, policy: Partial<SessionPolicy> = {}): Dashboard {
  const sessions = new SessionStore(() => ctx.now().getTime(), { ...defaultSessionPolicy, ...policy });
  const guard = guardOf(ctx);

  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    });
    scope.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) request.log.error({ err, url: request.url }, 'dashboard error');
      const message = status === 500 ? 'internal error: see the server log' : err.message;
      return reply.code(status).type('text/html; charset=utf-8').send(page('Error', html`<h1>Error ${status}</h1><p>${message}</p><p><a href="/dashboard/">Back</a></p>`));
    });

    const send = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(body);
    /** The session of a page request, or a redirect to the sign-in page. */
    const pageSession = (request: FastifyRequest, reply: FastifyReply): Session | undefined => {
      const session = sessions.get(cookieOf(request));
      if (!session) void reply.redirect('/dashboard/login', 303);
      return session;
    };
    /** The session of a state change: a live session, its CSRF token in the form, no foreign Origin. */
    const postSession = (request: FastifyRequest): Session => {
      if (!sameOrigin(request)) throw new ClientError(403, 'forbidden', 'cross-site request refused');
      const session = sessions.get(cookieOf(request));
      if (!session) throw new ClientError(403, 'forbidden', 'not signed in (or the session expired): sign in again');
      if (!sameCsrf(formOf(request).csrf, session)) throw new ClientError(403, 'forbidden', 'the form is stale (CSRF token mismatch): reload the page');
      return session;
    };
    const startSession = (request: FastifyRequest, reply: FastifyReply) => {
      const session = sessions.create();
      setCookie(reply, request, session.id);
      request.log.info('dashboard: signed in');
      return reply.redirect('/dashboard/', 303);
    };
    /** Sign-in attempts share the admin API's budget of wrong tokens per address; a refusal shows on the sign-in page. */
    const signInThrottled = async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await ctx.limits?.adminGuesses.check(request, reply);
        return undefined;
      } catch (err) {
        if (err instanceof ClientError && err.statusCode === 429) return send(reply, loginPage(`${err.message}.`), 429);
        throw err;
      }
    };
    const cases = casesOf(ctx);
    /** Who acted, for a case's timeline and the log: no per-user accounts, so the session (hashed) and address. */
    const actorOf = (request: FastifyRequest, session: Session) => `dashboard session ${createHash('sha256').update(session.id).digest('hex').slice(0, 8)} from ${request.ip}`;
    const caseOf = async (request: FastifyRequest) => {
      const id = alertId.safeParse((request.params as { id: string }).id);
      if (!id.success) throw new ClientError(400, 'invalid_request', 'invalid case id');
      const c = await cases.store.get(id.data);
      if (!c) throw new ClientError(404, 'not_found', `no case ${id.data}`);
      return c;
    };
    const names = async (alerts: readonly Pick<Alert, 'deviceIds'>[]) => ctx.storage.hostnamesOf([...new Set(alerts.flatMap((a) => a.deviceIds))]);

    scope.get('/dashboard/assets/style.css', async (_request, reply) => reply.header('cache-control', 'max-age=3600').type('text/css; charset=utf-8').send(stylesheet));
    scope.get('/dashboard/assets/icon.svg', async (_request, reply) => reply.header('cache-control', 'max-age=86400').type('image/svg+xml').send(icon));
    scope.get('/dashboard', async (_request, reply) => reply.redirect('/dashboard/', 301));

    scope.get('/dashboard/login', async (request, reply) => {
      if (sessions.get(cookieOf(request))) return reply.redirect('/dashboard/', 303);
      return send(reply, loginPage());
    });
    scope.post('/dashboard/login', async (request, reply) => {
      if (!sameOrigin(request)) throw new ClientError(403, 'forbidden', 'cross-site request refused');
      const throttled = await signInThrottled(request, reply);
      if (throttled) return throttled;
      const token = formOf(request).token;
      if (typeof token !== 'string' || token.length > 1024 || !sameSecret(token, ctx.adminTokenHash)) {
        await ctx.limits?.adminGuesses.failed(request);
        request.log.warn('dashboard: sign-in with a wrong admin token');
        return send(reply, loginPage('That is not the admin token.'), 401);
      }
      return startSession(request, reply);
    });
    scope.get('/dashboard/login/once', async (request, reply) => {
      const t = (request.query as Record<string, unknown>).t;
      return send(reply, oncePage(typeof t === 'string' ? t.slice(0, 100) : ''));
    });
    scope.post('/dashboard/login/once', async (request, reply) => {
      if (!sameOrigin(request)) throw new ClientError(403, 'forbidden', 'cross-site request refused');
      const throttled = await signInThrottled(request, reply);
      if (throttled) return throttled;
      if (!sessions.redeemOnce(formOf(request).once)) {
        await ctx.limits?.adminGuesses.failed(request);
        return send(reply, loginPage('That one-time link was used already or has expired; sign in with the admin token.'), 401);
      }
      return startSession(request, reply);
    });
    scope.post('/dashboard/logout', async (request, reply) => {
      const session = postSession(request);
      sessions.destroy(session.id);
      setCookie(reply, request, '', true);
      return reply.redirect('/dashboard/login', 303);
    });

    scope.get('/dashboard/', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      const now = ctx.now();
      await cases.synced();
      const blindAsked = (request.query as Record<string, unknown>).blind;
      const blind = typeof blindAsked === 'string' && /^[a-z]{1,20}$/.test(blindAsked) ? blindAsked : undefined;
      // Open alerts are counted, not read: a flood of alerts must not make this page heavy.
      const [overview, stats, open] = await Promise.all([
        ctx.storage.fleetOverview(new Date(now.getTime() - ctx.config.silentGraceHours * 3_600_000), 200),
        ctx.storage.stats(),
        cases.store.list({ state: 'open', limit: 200 }),
      ]);
      const openAlerts = stats.alertsByRuleStatus.filter((a) => a.status === 'open').reduce((n, a) => n + a.count, 0);
      const throttled = ctx.limits && { totals: ctx.limits.limiter.throttled.totals, recent: ctx.limits.limiter.throttled.recent(20) };
      const listed = [...new Set([...overview.devices.map((d) => d.deviceId), ...open.flatMap((c) => c.deviceIds)])];
      const [blindOf, caseNames, onlyBlind] = await Promise.all([
        cases.verdicts.blindOf(listed),
        ctx.storage.hostnamesOf(open.flatMap((c) => c.deviceIds)),
        blind ? cases.verdicts.blindDevices(blind) : Promise.resolve(undefined),
      ]);
      const topFinding = await cases.verdicts.topFindingOf(overview.devices.map((d) => d.deviceId));
      return send(reply, fleetPage(overview, openAlerts, ctx.config.silentGraceHours, session, now, throttled, { open, caseNames, blindOf, topFinding, blind, onlyBlind }));
    });

    scope.get('/dashboard/cases', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      await cases.synced();
      const asked = (request.query as Record<string, unknown>).state;
      const tab = caseTabs.find((t) => t === asked) ?? 'open';
      const list = await cases.store.list({ state: tab });
      return send(reply, casesPage(tab, list, await ctx.storage.hostnamesOf(list.flatMap((c) => c.deviceIds)), session, ctx.now()));
    });

    scope.get('/dashboard/cases/:id', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      await cases.synced();
      const c = await caseOf(request);
      return send(reply, casePage(await caseDossier(ctx, cases, c), session, ctx.now()));
    });

    scope.post('/dashboard/cases/:id/state', async (request, reply) => {
      const session = postSession(request);
      const c = await caseOf(request);
      const form = formOf(request);
      const to = form.state === 'investigating' || form.state === 'resolved' ? form.state : undefined;
      if (!to) throw new ClientError(400, 'invalid_request', 'state must be investigating or resolved');
      const reason = (resolutions as readonly string[]).includes(form.reason ?? '') ? (form.reason as Resolution) : null;
      if (to === 'resolved' && !reason) throw new ClientError(400, 'invalid_request', `resolving a case needs a reason: ${resolutions.join(', ')}`);
      const result = await cases.act(c.id, to, reason, actorOf(request, session));
      if (result === 'conflict') throw new ClientError(409, 'bad_transition', `case ${c.id} cannot become ${to} from ${c.state}`);
      request.log.info({ caseId: c.id, state: to, reason }, 'dashboard: case changed');
      return reply.redirect(caseHref(c.id), 303);
    });

    scope.post('/dashboard/cases/:id/assign', async (request, reply) => {
      const session = postSession(request);
      const c = await caseOf(request);
      const assignee = (formOf(request).assignee ?? '').trim().slice(0, 100);
      await cases.store.assign(c.id, assignee || null, actorOf(request, session), ctx.now());
      return reply.redirect(caseHref(c.id), 303);
    });

    scope.post('/dashboard/cases/:id/notes', async (request, reply) => {
      const session = postSession(request);
      const c = await caseOf(request);
      const text = (formOf(request).text ?? '').trim().slice(0, 4000);
      if (!text) throw new ClientError(400, 'invalid_request', 'an empty note');
      await cases.store.note(c.id, text, actorOf(request, session), ctx.now());
      return reply.redirect(caseHref(c.id), 303);
    });

    // A download, read by a signed-in session only (the cookie is SameSite=Strict: no other site can start one), logged.
    scope.get('/dashboard/cases/:id/export', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      const c = await caseOf(request);
      const actor = actorOf(request, session);
      await cases.store.logExport(c.id, actor, ctx.now());
      request.log.warn({ caseId: c.id, actor }, 'dashboard: case exported (personal data)');
      const body = exportHtml(await caseDossier(ctx, cases, c), ctx.now(), actor);
      return reply.type('text/html; charset=utf-8').header('content-disposition', `attachment; filename="farmwatch-case-${c.id}.html"`).send(body);
    });

    scope.get('/dashboard/alerts', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      const asked = (request.query as Record<string, unknown>).status;
      const tab = alertTabs.find((t) => t === asked) ?? 'active';
      const before = alertId.safeParse((request.query as Record<string, unknown>).before);
      // One page read from the database, one more row to know whether an older page exists.
      const read = await ctx.storage.listAlerts(tab === 'all' ? undefined : tab, { limit: alertsPageSize + 1, before: before.success ? before.data : undefined });
      const alerts = read.slice(0, alertsPageSize);
      const older = read.length > alertsPageSize ? alerts.at(-1)?.id : undefined;
      return send(reply, alertsPage(tab, alerts, await names(alerts), session, ctx.now(), older));
    });

    for (const [action, to] of [['ack', 'acknowledged'], ['resolve', 'resolved']] as const) {
      scope.post(`/dashboard/alerts/:id/${action}`, async (request, reply) => {
        postSession(request);
        const id = alertId.safeParse((request.params as { id: string }).id);
        if (!id.success) throw new ClientError(400, 'invalid_request', 'invalid alert id');
        const result = await ctx.storage.transitionAlert(id.data, to, ctx.now());
        if (result === 'not-found') throw new ClientError(404, 'not_found', `no alert ${id.data}`);
        if (result === 'conflict') throw new ClientError(409, 'bad_transition', `alert ${id.data} cannot become ${to} from its current status`);
        request.log.info({ alertId: id.data, status: to }, 'dashboard: alert changed');
        return reply.redirect(backTo(request), 303);
      });
    }

    scope.get('/dashboard/devices/:id', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      const id = (request.params as { id: string }).id;
      const detail = id.length <= 128 ? await ctx.storage.getDevice(id, 200) : null;
      if (!detail) return send(reply, notFoundPage(`No device ${id}.`, session), 404);
      await cases.synced();
      const [file, all, deviceCases] = await Promise.all([deviceFile(ctx, cases, id), ctx.storage.listAlerts(), cases.store.list({ deviceId: id })]);
      const alerts = all.filter((a) => a.deviceIds.includes(id)).slice(0, 100);
      const standing = await ctx.storage.deviceStanding(id);
      // The operator graph's cluster of this device and its new-hire window (server/graph/, policy thresholds.newHireDays).
      const cluster = (await readClusters(ctx.storage.sql)).find((c) => c.deviceIds.includes(id)) ?? null;
      const newHire = newHireWindow(detail.device.enrolledAt, (await ctx.storage.currentPolicy()).body.thresholds.newHireDays, ctx.now());
      const named = await names([...alerts, ...(cluster ? [{ deviceIds: cluster.deviceIds }] : [])]);
      const silent = detail.device.nextReportBy !== null && detail.device.enrolled && Date.parse(detail.device.nextReportBy) < ctx.now().getTime() - ctx.config.silentGraceHours * 3_600_000;
      return send(reply, devicePage(detail, file, alerts, named, session, ctx.now(), standing, deviceCases, silent, { cluster, newHire }));
    });

    // Device lifecycle from the dashboard: the same storage calls as the admin API (server/lifecycle/routes.ts).
    for (const action of deviceActions) {
      scope.post(`/dashboard/devices/:id/${action}`, async (request, reply) => {
        const session = postSession(request);
        const id = (request.params as { id: string }).id;
        if (id.length > 128) throw new ClientError(400, 'invalid_request', 'invalid device id');
        const at = ctx.now();
        let token: string | undefined;
        let done: boolean;
        if (action === 'rotate') {
          token = newToken();
          done = await ctx.storage.rotateToken(id, hashToken(token), at);
        } else if (action === 'reset') {
          done = await ctx.storage.resetDevice(id, at);
        } else {
          done = await ctx.storage.setDeviceStatus(id, action === 'revoke' ? 'revoked' : 'decommissioned', at);
        }
        if (!done) throw new ClientError(404, 'not_found', `no device ${id} in a state that allows ${action}`);
        guard.forget(id);
        request.log.warn({ deviceId: id, action }, 'dashboard: device lifecycle');
        if (token) return send(reply, rotatedPage(id, token, session));
        return reply.redirect(deviceHref(id), 303);
      });
    }

    scope.get('/dashboard/enrollments', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      return send(reply, pendingPage(await ctx.storage.listPendingEnrollments(), session, ctx.now()));
    });

    for (const decision of ['approved', 'denied'] as const) {
      scope.post(`/dashboard/enrollments/:id/${decision === 'approved' ? 'approve' : 'deny'}`, async (request, reply) => {
        postSession(request);
        const id = alertId.safeParse((request.params as { id: string }).id);
        if (!id.success) throw new ClientError(400, 'invalid_request', 'invalid enrollment id');
        // The approve form names the key the admin saw: the approval binds to it.
        const fingerprint = formOf(request).keyFingerprint;
        const result = await ctx.storage.decidePending(id.data, decision, ctx.now(), typeof fingerprint === 'string' && fingerprint ? fingerprint.slice(0, 200) : undefined);
        if (result === 'not-found') throw new ClientError(404, 'not_found', `no pending enrollment ${id.data}`);
        if (result === 'conflict') throw new ClientError(409, 'bad_transition', `enrollment ${id.data} was already decided`);
        if ('refusal' in result) throw new ClientError(409, result.refusal, result.reason);
        request.log.warn({ pendingId: id.data, decision }, 'dashboard: enrollment decided');
        return reply.redirect('/dashboard/enrollments', 303);
      });
    }

    scope.get('/dashboard/clusters', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      const all = await ctx.storage.listAlerts();
      const clusters = all.filter((a) => a.rule === colocationRule).sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved')).slice(0, 100);
      // The operator graph's clusters (co-location, shared operator, shared peripheral: rules/fleet/cluster.ts) lead the page.
      const graph = (await readClusters(ctx.storage.sql)).slice(0, 100);
      const named = await names([...clusters, ...graph]);
      return send(reply, clustersPage(clusters, named, session, ctx.now(), graph));
    });

    scope.get('/dashboard/places', async (request, reply) => {
      const session = pageSession(request, reply);
      if (!session) return reply;
      return send(reply, placesPage(ctx.places ? await ctx.places.list() : [], session));
    });
    scope.post('/dashboard/places', async (request, reply) => {
      postSession(request);
      const form = placeForm.safeParse(formOf(request));
      if (!form.success || !ctx.places) throw new ClientError(400, 'invalid_request', 'a place needs a kind (ip, gateway, wifi), a value and a role (office, ignored, none)');
      const { kind, value, role, label } = form.data;
      await declarePlace(ctx, ctx.places, kind, value, role, label || undefined);
      request.log.warn({ kind, role }, 'dashboard: place declared');
      return reply.redirect('/dashboard/places', 303);
    });
  });

  return {
    sessions,
    loginLink(baseUrl, ttlMs = 15 * 60_000) {
      return `${baseUrl.replace(/\/$/, '')}/dashboard/login/once?t=${sessions.issueOnce(ttlMs)}`;
    },
  };
}
