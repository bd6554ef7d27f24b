import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeaders } from '../../../schema/signing.js';
import { cleanup, enroll, getJson, json, makeReport, anyReportBody, postReport, startServer, type Running } from '../helpers.js';
import { deviceKey, enrollWith, signatureFor } from '../lifecycle/signed.js';
import { metricValue, waitFor } from './pool-helpers.js';

/**
 * The same requests to a server without ingest workers and to one whose pool is forced on (one worker, always up):
 * every answer must be the same, status and body, and the second server must really have prepared them on its worker.
 */
describe('ingest workers forced on answer exactly as the main thread does', () => {
  let off: Running;
  let on: Running;
  const key = deviceKey();
  const tokens = new Map<Running, { plain: string; signed: string }>();

  beforeAll(async () => {
    off = await startServer({ ingestWorkers: 0 }, { bodyLimit: 64 * 1024 });
    on = await startServer({ ingestWorkers: 1 }, { bodyLimit: 64 * 1024, ingestPool: { min: 1 } });
    // One clock for both: enrollment times and the skew in a clock_skew answer are then the same.
    const now = new Date();
    off.clock.now = now;
    on.clock.now = now;
    for (const s of [off, on]) {
      const plain = (await enroll(s.url, 'plain-1')).token;
      const signed = (await enrollWith(s.url, { deviceId: 'signed-1', publicKey: key.publicKey })).body.token as string;
      tokens.set(s, { plain, signed });
    }
    await waitFor(() => on.server.ingestPool.ready === 1);
    expect(off.server.ingestPool.size).toBe(0);
  });
  afterAll(async () => {
    for (const s of [off, on]) {
      await s?.close();
      if (s) cleanup(s.dir);
    }
  });

  /** One request, as built by `make` for each server (same body text and headers on both). */
  async function both(make: (t: { plain: string; signed: string }) => { token: 'plain' | 'signed'; body: string | Buffer; headers?: Record<string, string> }) {
    const answers = [];
    for (const s of [off, on]) {
      const t = tokens.get(s)!;
      const r = make(t);
      answers.push(await postReport(s.url, t[r.token], r.body, r.headers ?? {}));
    }
    const [a, b] = answers as [Awaited<ReturnType<typeof postReport>>, Awaited<ReturnType<typeof postReport>>];
    expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body });
    return a;
  }

  it('accepts unsigned and signed reports alike, and knows their duplicates', async () => {
    const before = await metricValue(on, 'farmwatch_ingest_offloaded_total');
    const unsigned = JSON.stringify(makeReport('plain-1', { identity: { timezone: 'UTC', gatewayMac: 'a'.repeat(64) } }));
    expect((await both(() => ({ token: 'plain', body: unsigned }))).status).toBe(202);
    expect((await both(() => ({ token: 'plain', body: unsigned }))).body).toMatchObject({ duplicate: true });
    const gz = JSON.stringify(makeReport('plain-1'));
    expect((await both(() => ({ token: 'plain', body: gzipSync(gz), headers: { 'content-encoding': 'gzip' } }))).status).toBe(202);
    const signed = JSON.stringify(makeReport('signed-1'));
    const at = Date.now();
    const nonce = randomBytes(16).toString('base64url');
    expect((await both(() => ({ token: 'signed', body: signed, headers: signatureFor(key.privateKey, signed, at, nonce) }))).status).toBe(202);
    // The same nonce again: refused on the main thread, after the worker verified the signature.
    const again = JSON.stringify(makeReport('signed-1'));
    const replay = await both(() => ({ token: 'signed', body: again, headers: signatureFor(key.privateKey, again, at, nonce) }));
    expect(replay).toMatchObject({ status: 409, body: { error: 'replayed' } });
    expect(await metricValue(on, 'farmwatch_ingest_offloaded_total')).toBe(before + 5);
    // What was stored and judged is the same too: each device as the SOC API shows it, on both servers.
    for (const id of ['plain-1', 'signed-1']) {
      const [a, b] = await Promise.all([off, on].map(async (s) => (await getJson(s.url, `/api/v1/devices/${id}`)).body));
      expect(b).toEqual(a);
      expect(a?.device).toBeTruthy();
    }
  });

  it('refuses bad signatures, skewed clocks and a missing signature with the same answers', async () => {
    const body = JSON.stringify(makeReport('signed-1'));
    const altered = await both(() => ({ token: 'signed', body: body.replace('"low"', '"none"'), headers: signatureFor(key.privateKey, body, Date.now()) }));
    expect(altered).toMatchObject({ status: 401, body: { error: 'bad_signature' } });
    const garbled = { ...signatureFor(key.privateKey, body, Date.now()), [signatureHeaders.signature]: 'not base64 at all!' };
    expect((await both(() => ({ token: 'signed', body, headers: garbled }))).status).toBe(401);
    const badNonce = { ...signatureFor(key.privateKey, body, Date.now()), [signatureHeaders.nonce]: 'short' };
    expect((await both(() => ({ token: 'signed', body, headers: badNonce }))).body).toMatchObject({ error: 'bad_signature' });
    expect((await both(() => ({ token: 'signed', body }))).body).toMatchObject({ error: 'signature_required' });
    // Skew is judged against each server's clock on its main thread (both are set to one time above).
    const skewed = await both(() => ({ token: 'signed', body, headers: signatureFor(key.privateKey, body, on.clock.now.getTime() - 3_600_000) }));
    expect(skewed).toMatchObject({ status: 401, body: { error: 'clock_skew' } });
    // A signed report that fails the schema: the signature is checked (and its nonce claimed) first.
    const invalid = JSON.stringify({ ...makeReport('signed-1'), score: 'high' });
    expect((await both(() => ({ token: 'signed', body: invalid, headers: signatureFor(key.privateKey, invalid, Date.now()) }))).body).toMatchObject({ error: 'invalid_report' });
    // Bad JSON from a signed device is refused as JSON before any signature is looked at.
    expect((await both(() => ({ token: 'signed', body: '{"reportId":' }))).body).toMatchObject({ error: 'invalid_json' });
  });

  it('refuses malformed, deep, empty, mismatched and oversized bodies with the same answers', async () => {
    expect((await both(() => ({ token: 'plain', body: '{"reportId":' }))).body).toMatchObject({ error: 'invalid_json' });
    expect((await both(() => ({ token: 'plain', body: '['.repeat(100) + ']'.repeat(100) }))).body).toMatchObject({ error: 'too_deep' });
    expect((await both(() => ({ token: 'plain', body: '   ' }))).body).toMatchObject({ error: 'empty_body' });
    expect((await both(() => ({ token: 'plain', body: '"a string"' }))).body).toMatchObject({ error: 'invalid_report' });
    const issues = await both(() => ({ token: 'plain', body: JSON.stringify({ ...makeReport('plain-1'), findings: 'none', level: 'extreme' }) }));
    expect(issues).toMatchObject({ status: 400, body: { error: 'invalid_report' } });
    expect((issues.body.issues as unknown[]).length).toBeGreaterThan(0);
    expect((await both(() => ({ token: 'plain', body: JSON.stringify(makeReport('signed-1')) }))).body).toMatchObject({ error: 'device_mismatch' });
    const big = JSON.stringify(makeReport('plain-1', { pad: 'x'.repeat(70 * 1024) }));
    expect((await both(() => ({ token: 'plain', body: big }))).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(2 * 1024 * 1024, 0x20));
    expect((await both(() => ({ token: 'plain', body: bomb, headers: { 'content-encoding': 'gzip' } }))).status).toBe(413);
    // No body at all, and a body of another media type.
    for (const s of [off, on]) {
      const res = await fetch(`${s.url}/api/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get(s)!.plain}` } });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_report');
    }
    expect((await both(() => ({ token: 'plain', body: 'x', headers: { ...json, 'content-type': 'text/plain' } }))).status).toBe(415);
  });

  it('property: any JSON body gets the same status and answer from both', async () => {
    const base = makeReport('plain-1');
    const body = anyReportBody(base);
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const answer = await both(() => ({ token: 'plain', body: text }));
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
