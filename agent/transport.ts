import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface TransportOptions {
  serverUrl: string;
  caFile?: string | undefined;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
  /** http://[user:pass@]host:port (or https://) of a proxy that speaks CONNECT. */
  proxy?: string | undefined;
}

type Callback = (err: Error | null, socket?: Duplex) => void;

/**
 * The connection pool for the agent's one server: custom CA, optional client certificate (mTLS), optional proxy.
 * The proxy is a CONNECT tunnel written here (Node has no built-in proxy agent and we add no package for ~40 lines):
 * TLS to the server runs end to end inside the tunnel, so the proxy sees only host:port.
 */
export function createTransport(opts: TransportOptions): http.Agent {
  const target = new URL(opts.serverUrl);
  const secure = target.protocol === 'https:';
  const tlsOptions: https.AgentOptions = {
    ...(opts.caFile ? { ca: readPem('server.caFile', opts.caFile) } : {}),
    ...(opts.clientCert ? { cert: readPem('server.clientCert', opts.clientCert) } : {}),
    ...(opts.clientKey ? { key: readPem('server.clientKey', opts.clientKey) } : {}),
  };
  const base = { keepAlive: true, maxSockets: 2, timeout: 60_000 };
  if (!opts.proxy) return secure ? new https.Agent({ ...base, ...tlsOptions }) : new http.Agent(base);
  const proxy = new URL(opts.proxy);
  if (secure) {
    return new (class extends https.Agent {
      override createConnection(options: tls.ConnectionOptions, cb: Callback): undefined {
        tunnel(proxy, options.host ?? target.hostname, Number(options.port ?? target.port ?? 443), (err, socket) => {
          if (err || !socket) return cb(err ?? new Error('proxy tunnel failed'));
          cb(null, tls.connect({ ...options, socket, servername: options.servername ?? target.hostname }));
        });
        return undefined;
      }
    })({ ...base, ...tlsOptions });
  }
  return new (class extends http.Agent {
    override createConnection(options: { host?: string; port?: number }, cb: Callback): undefined {
      tunnel(proxy, options.host ?? target.hostname, Number(options.port ?? 80), cb);
      return undefined;
    }
  } as unknown as typeof http.Agent)(base);
}

/** A PEM file the config names; an unreadable one is an error naming the key and the file, not a bare ENOENT. */
export class TransportFileError extends Error {}

function readPem(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new TransportFileError(`cannot read ${key} ${file} (${code}): fix the path in the agent config, or make the file readable by the agent`);
  }
}

function tunnel(proxy: URL, host: string, port: number, cb: Callback): void {
  const headers: Record<string, string> = { host: `${host}:${port}` };
  if (proxy.username) {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const request = (proxy.protocol === 'https:' ? https : http).request({
    host: proxy.hostname,
    port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
    method: 'CONNECT',
    path: `${host}:${port}`,
    headers,
    timeout: 15_000,
  });
  let done = false;
  const finish = (err: Error | null, socket?: Duplex) => {
    if (done) return;
    done = true;
    cb(err, socket);
  };
  request.once('connect', (res, socket) => {
    if (res.statusCode === 200) return finish(null, socket);
    socket.destroy();
    finish(new Error(`proxy ${proxy.host} refused the tunnel to ${host}:${port} (HTTP ${res.statusCode})`));
  });
  request.once('timeout', () => request.destroy(new Error(`proxy ${proxy.host} did not answer`)));
  request.once('error', (err) => finish(err));
  request.end();
}
