import fc from 'fast-check';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, cleanup, enroll, getJson, json, makeReport, anyReportBody, postReport, startServer, type Running } from './helpers.js';

/** A raw HTTP request, so headers and bodies can be anything a hostile client sends. */
function raw(url: string, path: string, headers: Record<string, string | number>, body?: Buffer | string, method = 'POST'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile requests get a 4xx and the server stays up', () => {
  let s: Running;
  let token: string;
  beforeAll(async () => {
    s = await startServer();
    // Hundreds of bodies from one device: lift its rate limit so that each reaches the parser (the limit has its own
    // tests in rate-limits.test.ts).
    const policy = await fetch(`${s.url}/api/v1/policy`, { method: 'PUT', headers: { ...json, ...admin }, body: JSON.stringify({ limits: { reports: { perMinute: 1e6, burst: 1e6 } } }) });
    if (policy.status !== 200) throw new Error(`policy: ${policy.status}`);
    token = (await enroll(s.url, 'target')).token;
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });
  const auth = () => ({ ...json, authorization: `Bearer ${token}` });

  const cases: [string, () => Promise<number>, number][] = [
    ['garbage bytes', () => raw(s.url, '/api/v1/reports', auth(), Buffer.from([0xff, 0x00, 0x7b, 0x13, 0x37])), 400],
    ['truncated JSON', () => raw(s.url, '/api/v1/reports', auth(), '{"reportId": "'), 400],
    ['empty body', () => raw(s.url, '/api/v1/reports', auth(), ''), 400],
    ['a JSON array', () => raw(s.url, '/api/v1/reports', auth(), '[1,2,3]'), 400],
    ['a JSON string', () => raw(s.url, '/api/v1/reports', auth(), '"report"'), 400],
    ['null', () => raw(s.url, '/api/v1/reports', auth(), 'null'), 400],
    ['wrong types', () => raw(s.url, '/api/v1/reports', auth(), JSON.stringify({ ...makeReport('target'), findings: 'many', score: -1 })), 400],
    ['12 MiB body', () => raw(s.url, '/api/v1/reports', auth(), Buffer.alloc(12 * 1024 * 1024, 0x20)), 413],
    ['12 MiB body, chunked (no length)', () => raw(s.url, '/api/v1/reports', { ...auth(), 'transfer-encoding': 'chunked' }, Buffer.alloc(12 * 1024 * 1024, 0x20)), 413],
    [
      'gzip bomb (64 MiB of zeros)',
      () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))),
      413,
    ],
    ['bad gzip', () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-encoding': 'gzip' }, Buffer.from('not gzip at all')), 400],
    ['unknown content-encoding', () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-encoding': 'br' }, '{}'), 415],
    ['100k nested arrays', () => raw(s.url, '/api/v1/reports', auth(), `${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400],
    [
      'deep nesting inside an unknown field',
      () => raw(s.url, '/api/v1/reports', auth(), JSON.stringify({ ...makeReport('target'), extra: 0 }).replace('"extra":0', `"extra":${'['.repeat(50_000)}${']'.repeat(50_000)}`)),
      400,
    ],
    ['forged token', () => raw(s.url, '/api/v1/reports', { ...json, authorization: `Bearer ${'x'.repeat(43)}` }, JSON.stringify(makeReport('target'))), 401],
    ['oversized token', () => raw(s.url, '/api/v1/reports', { ...json, authorization: `Bearer ${'x'.repeat(8000)}` }, JSON.stringify(makeReport('target'))), 401],
    ['empty token', () => raw(s.url, '/api/v1/reports', { ...json, authorization: 'Bearer ' }, JSON.stringify(makeReport('target'))), 401],
    ['Basic auth', () => raw(s.url, '/api/v1/reports', { ...json, authorization: 'Basic YTpi' }, JSON.stringify(makeReport('target'))), 401],
    ['text/plain', () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-type': 'text/plain' }, JSON.stringify(makeReport('target'))), 415],
    ['no content-type', () => raw(s.url, '/api/v1/reports', { authorization: `Bearer ${token}` }, JSON.stringify(makeReport('target'))), 415],
    ['multipart', () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-type': 'multipart/form-data; boundary=x' }, '--x--'), 415],
    ['content-length lie (too large)', () => raw(s.url, '/api/v1/reports', { ...auth(), 'content-length': 50 * 1024 * 1024 }, '{}'), 413],
    ['enroll garbage', () => raw(s.url, '/api/v1/enroll', json, '{{{'), 400],
    ['enroll deep nesting', () => raw(s.url, '/api/v1/enroll', json, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`), 400],
    ['__proto__ pollution', () => raw(s.url, '/api/v1/reports', auth(), JSON.stringify(makeReport('target')).replace('{', '{"__proto__":{"admin":true},')), 202],
    ['admin path with a device token', () => raw(s.url, '/api/v1/devices', { authorization: `Bearer ${token}` }, undefined, 'GET'), 401],
    ['long device id in path (414 URI too long)', () => raw(s.url, `/api/v1/devices/${'a'.repeat(5000)}`, { authorization: 'Bearer x' }, undefined, 'GET'), 414],
  ];

  for (const [name, send, status] of cases) {
    it(`${name} → ${status}`, async () => {
      expect(await send()).toBe(status);
      expect((await getJson(s.url, '/healthz', {})).status).toBe(200);
    });
  }

  it('property: any JSON body to /api/v1/reports gets a status below 500', async () => {
    const base = makeReport('target');
    const body = anyReportBody(base);
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const status = await raw(s.url, '/api/v1/reports', auth(), text);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
    expect((await getJson(s.url, '/healthz', {})).status).toBe(200);
    // And the server still ingests a good report afterwards.
    expect((await postReport(s.url, token, makeReport('target'))).status).toBe(202);
  });
});
