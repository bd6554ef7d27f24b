import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reporter } from '../../agent/reporter.js';
import { Spool } from '../../agent/spool.js';
import { captureLog } from './log-capture.js';
import { makeReport } from './make-report.js';

const run = promisify(execFile);
let dir: string;
let server: https.Server;
let serverUrl: string;
const received: { reportId: string; clientCN: string | undefined }[] = [];

async function openssl(...args: string[]) {
  await run('openssl', args, { cwd: dir });
}

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, all made with openssl. */
async function makePki() {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=farmwatch-test-ca', '-days', '2');
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn] of [['server', '127.0.0.1'], ['client', 'laptop-1']] as const) {
    await openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    await openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', ...(name === 'server' ? ['-extfile', 'san.ext'] : []));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-tls-'));
  await makePki();
  const file = (n: string) => readFileSync(join(dir, n));
  // mTLS: the server only talks to clients holding a certificate from the test CA.
  server = https.createServer({ key: file('server.key'), cert: file('server.crt'), ca: file('ca.crt'), requestCert: true, rejectUnauthorized: true }, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { reportId: string };
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    received.push({ reportId: body.reportId, clientCN: String(peer.subject?.CN) });
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  serverUrl = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function spoolOne(name: string) {
  const logs = captureLog();
  const spool = new Spool(join(dir, name), 50 * 1024 * 1024, logs.log);
  await spool.open();
  const report = makeReport();
  await spool.add(report);
  return { spool, logs, report };
}

describe('reporter TLS and proxy', () => {
  it('delivers over mTLS with a custom CA and a client certificate', async () => {
    const { spool, logs, report } = await spoolOne('mtls');
    const r = new Reporter({
      serverUrl, token: 't', spool, log: logs.log, timeoutMs: 5_000,
      caFile: join(dir, 'ca.crt'), clientCert: join(dir, 'client.crt'), clientKey: join(dir, 'client.key'),
    });
    const result = await r.drain();
    r.close();
    expect(result).toMatchObject({ sent: 1 });
    expect(received.find((x) => x.reportId === report.reportId)?.clientCN).toBe('laptop-1');
  });

  it('keeps the report spooled when the server certificate is not trusted, or no client certificate is offered', async () => {
    const causes = [/certificate not trusted \(SELF_SIGNED_CERT_IN_CHAIN\).*set server\.caFile/, /wants a client certificate it trusts .*server\.clientCert and server\.clientKey/];
    for (const opts of [{}, { caFile: join(dir, 'ca.crt') }]) {
      const { spool, logs } = await spoolOne(`refused-${Object.keys(opts).length}`);
      const r = new Reporter({ serverUrl, token: 't', spool, log: logs.log, timeoutMs: 5_000, random: () => 0, ...opts });
      const result = await r.drain();
      r.close();
      expect(result.sent).toBe(0);
      expect(result.stopped).toBeDefined();
      // The log line and the drain result name the cause and the fix, not a bare error code.
      expect(result.stopped?.reason).toMatch(causes[Object.keys(opts).length]!);
      expect(await spool.list()).toHaveLength(1);
    }
  });

  it('tunnels through an HTTP CONNECT proxy (with credentials), TLS end to end', async () => {
    const connects: { target: string | undefined; auth: string | undefined }[] = [];
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      connects.push({ target: req.url, auth: req.headers['proxy-authorization'] });
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const proxyUrl = `http://user:p%40ss@127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const { spool, logs, report } = await spoolOne('proxy');
    const r = new Reporter({
      serverUrl, token: 't', spool, log: logs.log, timeoutMs: 5_000, proxy: proxyUrl,
      caFile: join(dir, 'ca.crt'), clientCert: join(dir, 'client.crt'), clientKey: join(dir, 'client.key'),
    });
    const result = await r.drain();
    r.close();
    proxy.closeAllConnections();
    proxy.close();
    expect(result).toMatchObject({ sent: 1 });
    expect(received.some((x) => x.reportId === report.reportId)).toBe(true);
    expect(connects).toHaveLength(1);
    expect(connects[0]!.target).toBe(new URL(serverUrl).host);
    expect(connects[0]!.auth).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });
});
