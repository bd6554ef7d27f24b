import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ocsfHttpSender } from '../../server/forwarders/ocsf-http.js';
import { parseOctetCounted } from '../../server/forwarders/rfc5424.js';
import { syslogSender } from '../../server/forwarders/syslog.js';
import type { AlertEvent } from '../../server/db/records.js';
import { cleanup } from '../server/helpers.js';
import { httpReceiver, waitFor } from './receivers.js';

const event: AlertEvent = {
  uid: 'u-1',
  kind: 'new',
  at: '2026-03-02T10:00:00.000Z',
  alert: {
    id: 7,
    rule: 'ipkvm.hid-shape',
    status: 'open',
    severity: 'critical',
    deviceIds: ['kvm-1'],
    summary: 'kvm-1: one USB device acts as keyboard and absolute pointer',
    evidence: { score: 90 },
    createdAt: '2026-03-02T10:00:00.000Z',
    updatedAt: '2026-03-02T10:00:00.000Z',
  },
  devices: [{ deviceId: 'kvm-1', hostname: 'kvm-1.corp' }],
};
const signal = () => AbortSignal.timeout(5_000);

describe('syslog transports against real listeners', () => {
  it('UDP: one datagram per message, no framing', async () => {
    const sock = createSocket('udp4');
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const sender = syslogSender({ host: '127.0.0.1', port: (sock.address() as AddressInfo).port, protocol: 'udp', format: 'rfc5424' }, '0.1.0');
    try {
      await sender.send(event, signal());
      await sender.send({ ...event, uid: 'u-2', kind: 'update' }, signal());
      await waitFor(() => got.length >= 2, 3_000, 'two datagrams');
      expect(got[0]).toMatch(/^<106>1 2026-03-02T10:00:00\.000Z \S+ farmwatch \d+ alert-new \[farmwatch@32473 eventUid="u-1" alertId="7" rule="ipkvm\.hid-shape"/);
      expect(got[1]).toContain('alert-update');
    } finally {
      await sender.close();
      sock.close();
    }
  });

  it('TLS: octet-counted frames over a verified connection; an unknown CA is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-tls-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 30_000 });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=fw test CA');
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'srv.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '1', '-extfile', 'srv.ext');
    const messages: string[] = [];
    const server = createTlsServer({ cert: readFileSync(join(dir, 'srv.pem')), key: readFileSync(join(dir, 'srv.key')) }, (s) => {
      let buffer: Buffer = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        const parsed = parseOctetCounted(Buffer.concat([buffer, c]));
        messages.push(...parsed.messages);
        buffer = parsed.rest;
      });
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const target = { host: '127.0.0.1', port, protocol: 'tls' as const, format: 'cef' as const };
    const trusted = syslogSender(target, '0.1.0', { ca: readFileSync(join(dir, 'ca.pem')) });
    const untrusted = syslogSender(target, '0.1.0');
    try {
      await trusted.send(event, signal());
      await trusted.send({ ...event, uid: 'u-2', kind: 'update', alert: { ...event.alert, status: 'resolved' } }, signal());
      await waitFor(() => messages.length >= 2, 3_000, 'two TLS frames');
      expect(messages[0]).toMatch(/alert-new - CEF:0\|farmwatch\|farmwatch\|0\.1\.0\|ipkvm\.hid-shape\|[^|]+\|10\|/);
      expect(messages[1]).toContain('outcome=resolved');
      await expect(untrusted.send(event, signal())).rejects.toThrow();
      expect(messages).toHaveLength(2);
    } finally {
      await trusted.close();
      await untrusted.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      cleanup(dir);
    }
  });
});

describe('ocsf-http', () => {
  it('POSTs one Detection Finding with the configured headers; a 5xx is a failure', async () => {
    const receiver = await httpReceiver();
    const sender = ocsfHttpSender(`${receiver.url}/ingest/ocsf`, { 'x-api-key': 'k1' }, '0.1.0');
    try {
      await sender.send(event, signal());
      expect(receiver.requests).toHaveLength(1);
      expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/ingest/ocsf', headers: { 'x-api-key': 'k1', 'content-type': 'application/json' } });
      expect(JSON.parse(receiver.requests[0]?.body ?? '')).toMatchObject({ class_uid: 2004, type_uid: 200401, severity_id: 5, device: { hostname: 'kvm-1.corp' } });
      receiver.status = 503;
      await expect(sender.send(event, signal())).rejects.toThrow(/HTTP 503/);
    } finally {
      await receiver.close();
    }
  });
});
