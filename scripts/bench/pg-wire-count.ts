/**
 * Counts a server's round trips to PostgreSQL from outside its code, so that a build without counters of its own (a
 * base commit) is counted the same way: every Sync ('S', the end of one extended-protocol query) and every simple
 * Query ('Q') the process writes to PostgreSQL's port is one round trip.
 *
 * Loaded into the server process with `--import` (FARMWATCH_BENCH_PG_PORT names the port); it wraps
 * `net.Socket#write`, reads only the message headers, and answers the benchmark's `pg-wire-count` message on the
 * process's IPC channel. It replaces a counting TCP proxy: on the benchmark's event loop (or on a thread of its own
 * on two busy cores), every round trip waited twice more for a scheduler, and PostgreSQL was measured at half speed.
 */
import { Socket } from 'node:net';

/** Frontend messages: an untyped startup packet (length, code; an SSL or GSS request is followed by another), then type byte + length. */
export function frontendCounter(onMessage: (type: number) => void): (chunk: Uint8Array) => void {
  let startup = true;
  let header = Buffer.alloc(0);
  let skip = 0;
  return (bytes) => {
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

export interface WireCounts {
  sync: number;
  query: number;
  roundTrips: number;
}

/** The message a benchmark sends to a server child; the answer is `{ pgWireCount: WireCounts }`. */
export const wireCountRequest = 'pg-wire-count';

function install(port: number): void {
  const counts = { sync: 0, query: 0 };
  const counters = new WeakMap<Socket, (chunk: Uint8Array) => void>();
  const write = Socket.prototype.write;
  Socket.prototype.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
    // Client sockets to PostgreSQL only: a socket the HTTP server accepted has `server` set.
    if (this.remotePort === port && chunk instanceof Uint8Array && !(this as { server?: unknown }).server) {
      let count = counters.get(this);
      if (!count) {
        count = frontendCounter((type) => {
          if (type === 0x53) counts.sync++;
          else if (type === 0x51) counts.query++;
        });
        counters.set(this, count);
      }
      count(chunk);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
  } as typeof Socket.prototype.write;
  process.on('message', (m) => {
    if (m === wireCountRequest) process.send?.({ pgWireCount: { ...counts, roundTrips: counts.sync + counts.query } satisfies WireCounts });
  });
  // The channel must not keep a stopping server alive.
  process.channel?.unref();
}

const port = Number(process.env.FARMWATCH_BENCH_PG_PORT);
if (Number.isInteger(port) && port > 0 && process.send) install(port);
