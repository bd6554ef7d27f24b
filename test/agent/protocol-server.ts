import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Received {
  reportId: string;
  deviceId: string;
  authorization: string | undefined;
  gzip: boolean;
  body: Record<string, unknown>;
}

/** What to answer a report with; `undefined` = the protocol's normal answer (202, or 200 duplicate). */
export type Responder = (report: Received, attempt: number) =>
  | { status: number; headers?: Record<string, string>; commit?: boolean; dropConnection?: boolean }
  | undefined;

/**
 * A small real HTTP server on 127.0.0.1 speaking the report protocol (docs/api.md): it de-duplicates by reportId
 * (committed → 200 {duplicate}), answers 202 for new reports, and lets a test force any other answer.
 */
export class ProtocolServer {
  readonly committed = new Map<string, Received>();
  readonly requests: Received[] = [];
  readonly enrollments: Record<string, unknown>[] = [];
  respond: Responder = () => undefined;
  enrollStatus = 200;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    const gzip = req.headers['content-encoding'] === 'gzip';
    if (gzip) raw = gunzipSync(raw);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/api/v1/enroll') {
      const body = JSON.parse(raw.toString()) as Record<string, unknown>;
      this.enrollments.push(body);
      if (this.enrollStatus !== 200) return json(this.enrollStatus, { error: 'refused' });
      return json(200, { deviceId: body.deviceId, token: 't'.repeat(43), fleetKey: 'k'.repeat(43) });
    }
    if (req.url !== '/api/v1/reports') return json(404, { error: 'not found' });
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    const received: Received = {
      reportId: String(body.reportId),
      deviceId: String(body.deviceId),
      authorization: req.headers.authorization,
      gzip,
      body,
    };
    this.requests.push(received);
    const attempt = this.requests.filter((r) => r.reportId === received.reportId).length;
    const forced = this.respond(received, attempt);
    if (forced) {
      if (forced.commit) this.committed.set(received.reportId, received);
      if (forced.dropConnection) return void req.socket.destroy();
      return json(forced.status, { error: `forced ${forced.status}` }, forced.headers);
    }
    if (this.committed.has(received.reportId)) return json(200, { duplicate: true });
    this.committed.set(received.reportId, received);
    return json(202, { accepted: true });
  }
}
