import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { DeliveryError, type Sender } from './sender.js';
import { octetCounted } from './rfc5424.js';
import { defaultMaxMessageBytes, toSyslog } from './syslog-format.js';

export interface SyslogTarget {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  format: 'cef' | 'rfc5424';
  maxMessageBytes?: number | undefined;
}

/**
 * UDP: one datagram per message (RFC 5426). TCP and TLS: one long-lived connection, octet-counted frames
 * (RFC 6587, RFC 5425); a broken connection is dropped and opened again by the next send. Syslog has no
 * acknowledgement: an event counts as delivered once the kernel took it. TLS verifies the server certificate
 * against the system CAs (plus NODE_EXTRA_CA_CERTS); `tls` options are for tests.
 */
export function syslogSender(target: SyslogTarget, productVersion: string, tls: ConnectionOptions = {}): Sender {
  const maxBytes = target.maxMessageBytes ?? defaultMaxMessageBytes[target.protocol];
  const format = (event: Parameters<Sender['send']>[0]) => toSyslog(event, target.format, productVersion, undefined, maxBytes);
  if (target.protocol === 'udp') return udpSender(target, format);
  let socket: Socket | undefined;
  let connecting: Promise<Socket> | undefined;

  function open(signal: AbortSignal): Promise<Socket> {
    if (socket && !socket.destroyed) return Promise.resolve(socket);
    connecting ??= new Promise<Socket>((resolve, reject) => {
      const s =
        target.protocol === 'tls'
          ? tlsConnect({ host: target.host, port: target.port, ...(isIP(target.host) ? {} : { servername: target.host }), ...tls })
          : tcpConnect({ host: target.host, port: target.port });
      const ready = target.protocol === 'tls' ? 'secureConnect' : 'connect';
      const fail = (err: unknown) => {
        s.destroy();
        reject(err instanceof Error ? err : new DeliveryError(String(err)));
      };
      const onAbort = () => fail(new DeliveryError('syslog connect timed out'));
      signal.addEventListener('abort', onAbort, { once: true });
      s.once('error', fail);
      s.once(ready, () => {
        signal.removeEventListener('abort', onAbort);
        s.off('error', fail);
        s.setNoDelay(true);
        s.setKeepAlive(true, 60_000);
        // Later errors only drop the connection; the send in hand sees its write fail.
        s.on('error', () => s.destroy());
        // The receiver never speaks; reading keeps a half-closed peer from going unnoticed.
        s.on('data', () => {});
        s.on('end', () => s.destroy());
        socket = s;
        resolve(s);
      });
    }).finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  return {
    async send(event, signal) {
      const s = await open(signal);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          s.destroy();
          reject(new DeliveryError('syslog write timed out'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        s.write(octetCounted(format(event)), (err) => {
          signal.removeEventListener('abort', onAbort);
          if (err) {
            s.destroy();
            reject(err);
          } else resolve();
        });
      });
    },
    async close() {
      const s = socket;
      socket = undefined;
      if (!s || s.destroyed) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          s.destroy();
          resolve();
        }, 1_000).unref();
        s.end(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
  };
}

function udpSender(target: SyslogTarget, format: (event: Parameters<Sender['send']>[0]) => string): Sender {
  let socket: UdpSocket | undefined;
  return {
    send(event) {
      socket ??= createSocket(isIP(target.host) === 6 ? 'udp6' : 'udp4').on('error', () => {});
      const sock = socket;
      return new Promise((resolve, reject) => sock.send(Buffer.from(format(event), 'utf8'), target.port, target.host, (err) => (err ? reject(err) : resolve())));
    },
    async close() {
      const s = socket;
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
