import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secrets } from '../server/helpers.js';
import { startDashboardServer, type Seeded } from './helpers.js';

/** A self-signed certificate for 127.0.0.1 (openssl CLI). */
function selfSigned(dir: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe', timeout: 30_000 });
}

function postForm(url: string, body: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('dashboard over HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-dash-tls-'));
  let s: Seeded;
  beforeAll(async () => {
    selfSigned(dir);
    s = await startDashboardServer({ tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
    if (s) rmSync(s.dir, { recursive: true, force: true });
  });

  it('marks the session cookie Secure', async () => {
    expect(s.url).toMatch(/^https:/);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const res = await postForm(`${s.url}/dashboard/login`, new URLSearchParams({ token: secrets.adminToken }).toString(), ca);
    expect(res.status).toBe(303);
    expect(res.setCookie).toHaveLength(1);
    expect(res.setCookie[0]).toMatch(/^fw_session=[A-Za-z0-9_-]{43}; Path=\/dashboard; HttpOnly; SameSite=Strict; Secure$/);
  });
});
