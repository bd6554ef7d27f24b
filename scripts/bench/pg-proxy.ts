/**
 * A loopback TCP proxy between `farmwatch server` and PostgreSQL that counts the client's round trips from outside
 * the server, so that a build without counters of its own (a base commit) is counted the same way: every Sync ('S',
 * the end of one extended-protocol query) and every simple Query ('Q') the client sends is one round trip. Bytes pass
 * through unchanged. Side-effect free until started.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CountingProxy {
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  counts(): { sync: number; query: number; roundTrips: number };
  close(): Promise<void>;
}

/** Frontend messages: an untyped startup packet (length, code; an SSL or GSS request is followed by another), then type byte + length. */
function counter(onMessage: (type: number) => void): (chunk: Buffer) => void {
  let startup = true;
  let header = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at);
        skip -= n;
        at += n;
        continue;
      }
      const want = startup ? 8 : 5;
      const take = Math.min(want - header.length, chunk.length - at);
      header = Buffer.concat([header, chunk.subarray(at, at + take)]);
      at += take;
      if (header.length < want) break;
      if (startup) {
        const length = header.readInt32BE(0);
        const code = header.readInt32BE(4);
        // SSLRequest and GSSENCRequest come before the real startup packet.
        startup = code === 80877103 || code === 80877104;
        skip = length - 8;
      } else {
        onMessage(header[0]!);
        skip = header.readInt32BE(1) - 4;
      }
      header = Buffer.alloc(0);
    }
  };
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  let sync = 0;
  let query = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(to.port || 5432), to.hostname);
    sockets.add(client).add(upstream);
    const count = counter((type) => {
      if (type === 0x53) sync++;
      else if (type === 0x51) query++;
    });
    client.on('data', (chunk: Buffer) => {
      count(chunk);
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    counts: () => ({ sync, query, roundTrips: sync + query }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
