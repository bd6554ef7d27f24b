import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Reporter } from '../../agent/reporter.js';
import { Spool } from '../../agent/spool.js';
import { makeReport as agentReport } from '../agent/make-report.js';
import { engines } from '../helpers/engines.js';
import { serverOn } from './engine-server.js';
import { admin, cleanup, enroll, getJson, json, makeReport, postReport, secrets, startServer, type Running } from './helpers.js';

/** Server log lines, parsed: the throttle log is asserted on, not only the answers. */
function logSink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), throttleLines: () => lines.filter((l) => String(l.msg).startsWith('throttled:')) };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request from a chosen loopback source address (127.0.0.0/8 is all local on Linux): a second "client". */
function from(source: string, url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, localAddress: source, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const signIn = (source: string, url: string, token: string) =>
  from(source, url, 'POST', '/dashboard/login', { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ token }).toString());

const enrollFrom = (source: string, url: string, secret: string, deviceId: string) =>
  from(source, url, 'POST', '/api/v1/enroll', json, JSON.stringify({ secret, deviceId, hostname: `${deviceId}.local`, platform: 'linux', agentVersion: '0.1.0' }));

async function putLimits(s: Running, limits: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${s.url}/api/v1/policy`, { method: 'PUT', headers: { ...admin, ...json }, body: JSON.stringify({ limits }) });
  expect(res.status).toBe(200);
}

async function metric(s: Running, re: RegExp): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: admin })).text();
  return Number(re.exec(text)?.[1] ?? NaN);
}

let running: Running | undefined;
afterEach(async () => {
  if (running) {
    await running.close();
    cleanup(running.dir);
    running = undefined;
  }
});

// The figures come from the policy, which each engine stores: the whole report path runs on both.
describe.each(engines)('report rate limit per device token (%s)', (_name, engine) => {
  it('answers the (burst+1)th report in the window 429 with Retry-After, logs the key once per window, and lets it through after the wait', async () => {
    const sink = logSink();
    const s = (running = await serverOn(engine)({}, { logger: sink.logger }));
    await putLimits(s, { reports: { perMinute: 6, burst: 3 } });
    const { token } = await enroll(s.url, 'flooder');
    const other = await enroll(s.url, 'quiet');
    for (let i = 0; i < 3; i++) expect((await postReport(s.url, token, makeReport('flooder'))).status).toBe(202);
    const refused = await postReport(s.url, token, makeReport('flooder'));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('rate_limited');
    // One token every 10 s (6 per minute).
    expect(refused.headers.get('retry-after')).toBe('10');
    for (let i = 0; i < 5; i++) expect((await postReport(s.url, token, makeReport('flooder'))).status).toBe(429);
    // Another device has its own bucket.
    expect((await postReport(s.url, other.token, makeReport('quiet'))).status).toBe(202);

    expect(sink.throttleLines()).toHaveLength(1);
    expect(sink.throttleLines()[0]).toMatchObject({ limit: 'reports', key: 'flooder', refused: 1, retryAfterS: 10 });
    expect(await metric(s, /^farmwatch_throttled_total\{limit="reports"\} (\d+)/m)).toBe(6);
    expect(await metric(s, /^farmwatch_reports_rejected_total\{reason="rate_limited"\} (\d+)/m)).toBe(6);

    s.clock.now = new Date(s.clock.now.getTime() + 10_000);
    expect((await postReport(s.url, token, makeReport('flooder'))).status).toBe(202);
    expect((await postReport(s.url, token, makeReport('flooder'))).status).toBe(429);
    // A minute later the bucket is full again (3), and the next refusal writes the next line with the count since
    // the previous one: 5 + 1 + this one.
    s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    const again = await Promise.all(Array.from({ length: 4 }, () => postReport(s.url, token, makeReport('flooder'))));
    expect(again.map((a) => a.status).sort()).toEqual([202, 202, 202, 429]);
    expect(sink.throttleLines()).toHaveLength(2);
    expect(sink.throttleLines()[1]).toMatchObject({ limit: 'reports', key: 'flooder', refused: 7 });
    expect((await getJson(s.url, '/api/v1/devices/flooder?history=1000')).body.history).toHaveLength(7);

    // The fleet page shows the throttled device.
    const session = s.server.dashboard.sessions.create();
    const page = await (await fetch(`${s.url}/dashboard/`, { headers: { cookie: `fw_session=${session.id}` } })).text();
    expect(page).toContain('id="throttled"');
    expect(page).toMatch(/reports \(per device\)<\/td><td>8</);
    expect(page).toContain('/dashboard/devices/flooder');
  });

  it('the agent keeps a throttled report in its spool and sends it once Retry-After has passed', async () => {
    const s = (running = await serverOn(engine)());
    await putLimits(s, { reports: { perMinute: 6, burst: 2 } });
    const { token } = await enroll(s.url, 'backlog');
    const dir = await mkdtemp(join(tmpdir(), 'fw-spool-'));
    try {
      const log = pino({ level: 'silent' });
      const spool = new Spool(dir, 50 * 1024 * 1024, log);
      await spool.open();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const report = agentReport({ deviceId: 'backlog' });
        await spool.add(report, 1_000 + i);
        ids.push(report.reportId);
      }
      const reporter = new Reporter({ serverUrl: s.url, token, spool, log, timeoutMs: 5_000, now: () => s.clock.now.getTime() });
      try {
        const first = await reporter.drain();
        expect(first).toMatchObject({ sent: 2, deadLettered: 0 });
        expect(first.stopped?.reason).toBe('HTTP 429, Retry-After');
        expect(first.stopped?.retryAt).toBe(s.clock.now.getTime() + 10_000);
        expect((await spool.list()).length).toBe(1);
        // Before Retry-After: nothing is sent.
        s.clock.now = new Date(s.clock.now.getTime() + 9_000);
        expect((await reporter.drain()).stopped?.reason).toBe('backing off');
        s.clock.now = new Date(s.clock.now.getTime() + 1_000);
        expect(await reporter.drain()).toMatchObject({ sent: 1, deadLettered: 0 });
      } finally {
        reporter.close();
      }
      expect(await spool.list()).toEqual([]);
      const history = (await getJson(s.url, '/api/v1/devices/backlog?history=1000')).body.history as { reportId: string }[];
      expect(history.map((h) => h.reportId).sort()).toEqual([...ids].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('admin token guesses per address', () => {
  it('200 wrong dashboard sign-ins from one address: the burst gets 401, the rest 429; the admin from another address signs in', async () => {
    const sink = logSink();
    const s = (running = await startServer({}, { logger: sink.logger }));
    const answers: number[] = [];
    for (let i = 0; i < 200; i++) answers.push((await signIn('127.0.0.3', s.url, `guess-${i}-0123456789abcdef`)).status);
    expect(answers.filter((a) => a === 401)).toHaveLength(10);
    expect(answers.filter((a) => a === 429)).toHaveLength(190);
    expect(answers.slice(10).every((a) => a === 429)).toBe(true);
    // The right token from the throttled address is refused too: the limit runs before the comparison.
    const throttledAdmin = await signIn('127.0.0.3', s.url, secrets.adminToken);
    expect(throttledAdmin.status).toBe(429);
    expect(Number(throttledAdmin.headers['retry-after'])).toBe(30);
    expect(throttledAdmin.text).toContain('too many wrong admin tokens from this address');
    // The Bearer API shares the budget of that address...
    expect((await from('127.0.0.3', s.url, 'GET', '/api/v1/alerts', admin)).status).toBe(429);
    // ...and the admin elsewhere is not locked out, on the dashboard or the API.
    const ok = await signIn('127.0.0.1', s.url, secrets.adminToken);
    expect(ok.status).toBe(303);
    expect(String(ok.headers['set-cookie'])).toContain('fw_session=');
    expect((await from('127.0.0.2', s.url, 'GET', '/api/v1/alerts', admin)).status).toBe(200);
    // 191 refusals, one log line for the address.
    expect(sink.throttleLines()).toHaveLength(1);
    expect(sink.throttleLines()[0]).toMatchObject({ limit: 'adminGuesses', key: '127.0.0.3' });
    expect(await metric(s, /^farmwatch_throttled_total\{limit="adminGuesses"\} (\d+)/m)).toBe(192);
  });

  it('wrong Bearer tokens on the admin API are slowed per address; a missing token is not counted', async () => {
    const s = (running = await startServer());
    await putLimits(s, { adminGuesses: { perMinute: 1, burst: 3 } });
    for (let i = 0; i < 5; i++) expect((await from('127.0.0.4', s.url, 'GET', '/api/v1/devices')).status).toBe(401);
    const wrong = { authorization: 'Bearer not-the-admin-token-0123456789' };
    for (let i = 0; i < 3; i++) expect((await from('127.0.0.4', s.url, 'GET', '/api/v1/devices', wrong)).status).toBe(401);
    const refused = await from('127.0.0.4', s.url, 'GET', '/api/v1/devices', admin);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('60');
    s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    expect((await from('127.0.0.4', s.url, 'GET', '/api/v1/devices', admin)).status).toBe(200);
  });

  it('on the admin listener (adminPort) too: sign-in and the API share the address budget there', async () => {
    const s = (running = await startServer({ adminHost: '127.0.0.1', adminPort: 0 }));
    const adminUrl = new URL(s.server.dashboardUrl()).origin;
    for (let i = 0; i < 10; i++) expect((await signIn('127.0.0.6', adminUrl, `wrong-${i}-0123456789abcdef`)).status).toBe(401);
    expect((await from('127.0.0.6', adminUrl, 'GET', '/api/v1/devices', admin)).status).toBe(429);
    expect((await signIn('127.0.0.1', adminUrl, secrets.adminToken)).status).toBe(303);
    const metrics = await (await fetch(`${adminUrl}/metrics`, { headers: admin })).text();
    expect(metrics).toMatch(/^farmwatch_throttled_total\{limit="adminGuesses"\} 1$/m);
  });
});

describe('enrollment limits', () => {
  it('an MDM rollout of 200 laptops with one secret from one address passes while unknown secrets from another address are limited', async () => {
    const s = (running = await startServer());
    const guesses: number[] = [];
    for (let i = 0; i < 30; i++) guesses.push((await enrollFrom('127.0.0.5', s.url, `guessed-secret-${i}-0123456789`, `guess-${i}`)).status);
    expect(guesses.slice(0, 20).every((g) => g === 401)).toBe(true);
    expect(guesses.slice(20).every((g) => g === 429)).toBe(true);
    // The guesser cannot tell a right secret from a wrong one while throttled.
    expect((await enrollFrom('127.0.0.5', s.url, secrets.enrollSecret, 'guesser-right')).status).toBe(429);
    const rollout: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => enrollFrom('127.0.0.1', s.url, secrets.enrollSecret, `mdm-${batch}-${i}`)));
      rollout.push(...answers.map((a) => a.status));
    }
    expect(rollout).toEqual(Array.from({ length: 200 }, () => 200));
    expect(await metric(s, /^farmwatch_throttled_total\{limit="enrollGuesses"\} (\d+)/m)).toBe(11);
  });

  it('limits enrollments per secret: a spent fleet secret does not stop a named one', async () => {
    const s = (running = await startServer());
    await putLimits(s, { enrollPerSecret: { perMinute: 1, burst: 5 } });
    const named = await fetch(`${s.url}/api/v1/enroll-secrets`, {
      method: 'POST',
      headers: { ...admin, ...json },
      body: JSON.stringify({ name: 'wave-2', expiresAt: new Date(s.clock.now.getTime() + 86_400_000).toISOString(), uses: 100 }),
    });
    const { secret } = (await named.json()) as { secret: string };
    for (let i = 0; i < 5; i++) expect((await enrollFrom('127.0.0.1', s.url, secrets.enrollSecret, `fleet-${i}`)).status).toBe(200);
    const refused = await enrollFrom('127.0.0.1', s.url, secrets.enrollSecret, 'fleet-5');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(JSON.parse(refused.text).message).toContain('limits.enrollPerSecret');
    expect((await enrollFrom('127.0.0.1', s.url, secret, 'named-0')).status).toBe(200);
  });
});
