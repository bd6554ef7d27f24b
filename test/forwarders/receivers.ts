import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { parseOctetCounted } from '../../server/forwarders/rfc5424.js';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and answers `status`. */
export async function httpReceiver(status = 200): Promise<{ url: string; requests: Received[]; status: number; close(): Promise<void> }> {
  const requests: Received[] = [];
  const state = { status };
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A real syslog listener over TCP on 127.0.0.1 (or a given port): octet-counted frames, parsed as they arrive. */
export async function tcpSyslogReceiver(port = 0): Promise<{ port: number; messages: string[]; close(): Promise<void> }> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseOctetCounted(Buffer.concat([buffer, chunk]));
      messages.push(...parsed.messages);
      buffer = parsed.rest;
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and is closed now: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A process name carrying every markup character a target could act on. */
export const hostileProcess = '<script>alert(1)</script> *bold* _it_ `code` | a=b \\ [x](y)\nnext';

/** A high-scoring report whose finding names the hostile process: it opens one remote-access.running alert. */
export function highReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // The server re-scores with the catalog weight (remote-access.running: 0.6) × confidence 1 = 60, high.
    score: 60,
    level: 'high',
    findings: [
      {
        rule: 'remote-access.running',
        title: 'Remote-access tool running',
        severity: 'high',
        confidence: 1,
        weight: 0.6,
        group: 'remote-access',
        subject: 'anydesk',
        attack: ['T1219'],
        evidence: { process: hostileProcess, pid: 4242 },
      },
    ],
    ...overrides,
  };
}

/**
 * A loopback Splunk HEC endpoint whose token has indexer acknowledgement on: like Splunk, it refuses a request
 * without an X-Splunk-Request-Channel (HTTP 400, code 10 "Data channel is missing") and answers the others with an ackId.
 */
export async function hecAckReceiver(): Promise<{ url: string; requests: Received[]; refused: number; close(): Promise<void> }> {
  const requests: Received[] = [];
  const state = { refused: 0, ackId: 0 };
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!req.headers['x-splunk-request-channel']) {
        state.refused++;
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"text":"Data channel is missing","code":10}');
        return;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'Success', code: 0, ackId: state.ackId++ }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
