import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, startServer, type Running } from './helpers.js';

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
function makePki(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 30_000 });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=farmwatch test CA');
  for (const name of ['server', 'client']) {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? '127.0.0.1' : 'device-1'}`);
    writeFileSync(join(dir, `${name}.ext`), name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  }
  const read = (f: string) => readFileSync(join(dir, f));
  return { ca: read('ca.pem'), clientCert: read('client.pem'), clientKey: read('client.key') };
}

function healthz(url: string, options: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/healthz`, { ...options }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS with client certificates', () => {
  let s: Running;
  let pki: ReturnType<typeof makePki>;
  beforeAll(async () => {
    const probe = await startServer();
    await probe.close();
    pki = makePki(probe.dir);
    s = await startServer(
      { tls: { cert: join(probe.dir, 'server.pem'), key: join(probe.dir, 'server.key'), ca: join(probe.dir, 'ca.pem'), requireClientCert: true } },
      {},
      probe.dir,
    );
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
  });

  it('serves HTTPS and accepts a client certificate signed by tls.ca', async () => {
    expect(s.url).toMatch(/^https:/);
    expect(await healthz(s.url, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey })).toBe(200);
  });

  it('refuses a client without a certificate at the handshake', async () => {
    await expect(healthz(s.url, { ca: pki.ca })).rejects.toThrow();
    expect(await healthz(s.url, { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey })).toBe(200);
  });
});
