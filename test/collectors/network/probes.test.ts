import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTcp, runProbes } from '../../../collectors/network/probes.js';

let server: Server;
let port: number;
let unusedPort: number;

beforeAll(async () => {
  server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  // A port that was free a moment ago: bind, read, close.
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  unusedPort = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('TCP connect probes', () => {
  it('measures connect time to a real server on loopback', async () => {
    const p = await probeTcp('127.0.0.1', port);
    expect(p.error).toBeUndefined();
    expect(p.rttMs).not.toBeNull();
    expect(p.rttMs!).toBeGreaterThanOrEqual(0);
    expect(p.rttMs!).toBeLessThan(1_000);
  });

  it('a closed port is an error in the result, not a throw', async () => {
    await expect(probeTcp('127.0.0.1', unusedPort)).resolves.toEqual({ host: '127.0.0.1', port: unusedPort, rttMs: null, error: 'ECONNREFUSED' });
  });

  it('an aborted cycle makes no connection', async () => {
    const ac = new AbortController();
    ac.abort();
    let connections = 0;
    server.on('connection', () => connections++);
    await expect(probeTcp('127.0.0.1', port, { signal: ac.signal })).resolves.toMatchObject({ rttMs: null, error: 'aborted' });
    await new Promise((r) => setTimeout(r, 50));
    expect(connections).toBe(0);
  });

  it('runs each anchor; none configured → empty', async () => {
    expect(await runProbes([])).toEqual([]);
    const both = await runProbes([{ host: '127.0.0.1', port }, { host: '127.0.0.1', port: unusedPort }]);
    expect(both.map((p) => p.rttMs === null)).toEqual([false, true]);
  });
});
