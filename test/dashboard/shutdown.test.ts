import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cleanup } from '../server/helpers.js';
import { startDashboardServer } from './helpers.js';

const open = (url: string) =>
  new Promise<Socket>((resolve, reject) => {
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname, () => resolve(socket));
    socket.on('error', reject);
  });

describe('closing with a browser connected', () => {
  it('does not wait for connections that never sent a request, and finishes the one in hand with Connection: close', async () => {
    const s = await startDashboardServer();
    // What a browser's pre-connect looks like: a TCP connection with no request on it.
    const spare = await open(s.url);
    const spareClosed = new Promise<void>((r) => spare.on('close', () => r()));
    // A request in hand: headers sent, body still coming.
    const busy = await open(s.url);
    const body = JSON.stringify({ not: 'an enrollment' });
    busy.write(`POST /api/v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 200));
    let answer = '';
    busy.on('data', (c: Buffer) => (answer += c.toString()));
    // The answer is read when the server ends the connection: close() may resolve before the client has read it.
    const ended = new Promise<void>((r) => busy.on('end', () => r()));
    const t0 = Date.now();
    const closed = s.close();
    await spareClosed;
    expect(busy.destroyed).toBe(false);
    busy.write(body.slice(5));
    await closed;
    await ended;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    busy.destroy();
    cleanup(s.dir);
  });
});
