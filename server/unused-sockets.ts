import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Lets server.close() finish as soon as the requests in hand are answered. Node closes idle keep-alive connections
 * itself, but waits for two kinds: connections that never carried a request (browsers pre-connect them) until
 * connectionTimeout (60 s), and connections whose request was in hand at close, kept alive after their answer
 * until keepAliveTimeout (65 s). So a dashboard tab left open held SIGTERM for a minute. Returns the function to
 * call at close: it destroys the connections without a request and answers the ones in hand with
 * `Connection: close`. A request in hand still finishes.
 */
export function unusedSocketCloser(server: Server): () => void {
  const unused = new Set<Socket>();
  const inHand = new Set<ServerResponse>();
  let closing = false;
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    else res.once('finish', () => res.socket?.end());
  };
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
    // One that slips in while the listener shuts: given a second to send its request.
    if (closing) setTimeout(() => unused.has(socket) && socket.destroy(), 1000).unref();
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    unused.delete(req.socket);
    // Over TLS the request's socket wraps the TCP socket that 'connection' saw.
    const parent = (req.socket as Socket & { _parent?: Socket })._parent;
    if (parent) unused.delete(parent);
    if (closing) closeAfter(res);
    inHand.add(res);
    res.once('close', () => inHand.delete(res));
  });
  return () => {
    closing = true;
    for (const socket of unused) socket.destroy();
    for (const res of inHand) closeAfter(res);
  };
}
