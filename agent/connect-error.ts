/**
 * Why a request to the server failed before any HTTP answer, in words an installer can act on: the cause (certificate,
 * DNS, refused, timeout, ...) and the fix. Pure: any error value gives a sentence.
 */
export interface ConnectFailure {
  /** A short class of the cause, stable for scripts and tests. */
  cause: 'certificate' | 'dns' | 'refused' | 'timeout' | 'reset' | 'proxy' | 'network';
  /** One line: what went wrong and what to do. */
  message: string;
}

export interface ConnectContext {
  /** The URL that was asked. */
  url: string;
  /** The config's server.caFile, when set. */
  caFile?: string | undefined;
}

const unknownCa = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const expired = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

export function describeConnectFailure(err: unknown, context: ConnectContext): ConnectFailure {
  const { code, message, name } = fieldsOf(err);
  let host = context.url;
  try {
    const url = new URL(context.url);
    host = url.host;
  } catch {
    // keep the text as given: the sentence still names it
  }
  const caAdvice = context.caFile
    ? `server.caFile ${context.caFile} is not the CA that signed the server's certificate: point it at that CA's PEM file`
    : `set server.caFile in the agent config to the PEM file of the CA that signed the server's certificate (a private CA is not trusted by default)`;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { cause: 'timeout', message: `timeout: ${host} did not answer in time; check that a firewall or proxy lets this laptop reach it (and server.proxy when one is needed)` };
  }
  if (unknownCa.has(code)) {
    return { cause: 'certificate', message: `certificate not trusted (${code}): the server's certificate is signed by a CA this agent does not know; ${caAdvice}` };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /does not match certificate's altnames/i.test(message)) {
    return {
      cause: 'certificate',
      message: `certificate hostname mismatch (${code || 'ERR_TLS_CERT_ALTNAME_INVALID'}): the server's certificate is not issued for ${hostnameOf(host)}; use the server URL named in the certificate, or issue a certificate whose subjectAltName includes ${hostnameOf(host)}`,
    };
  }
  if (expired.has(code)) {
    return { cause: 'certificate', message: `certificate expired or not yet valid (${code}): renew the server's certificate (and restart the server), or check this laptop's clock` };
  }
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE/.test(code)) {
    return {
      cause: 'certificate',
      message: `the server wants a client certificate it trusts (${code}): set server.clientCert and server.clientKey to a certificate signed by the CA in the server's tls.ca`,
    };
  }
  if (/^CERT_|^ERR_TLS_|^ERR_SSL_|_CERT|certificate/i.test(code) || /certificate/i.test(message)) {
    return { cause: 'certificate', message: `TLS certificate problem (${code || message}): check the server's certificate and server.caFile` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { cause: 'dns', message: `DNS: ${hostnameOf(host)} does not resolve (${code}); check the spelling of server.url and this laptop's DNS` };
  }
  if (code === 'ECONNREFUSED') {
    return { cause: 'refused', message: `connection refused by ${host} (ECONNREFUSED): nothing listens there; check that farmwatch server runs and the port in server.url` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    return {
      cause: 'reset',
      message: `the connection to ${host} was closed during the handshake (${code || 'socket hang up'}): is it an HTTPS port for an https:// URL (or HTTP for http://), and does the server require a client certificate (server.clientCert, server.clientKey)?`,
    };
  }
  if (/^proxy /.test(message)) return { cause: 'proxy', message: `${message}; check server.proxy` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return { cause: 'network', message: `no route to ${host} (${code}): this laptop's network cannot reach the server` };
  }
  return { cause: 'network', message: `cannot reach ${host} (${code || message || 'unknown error'})` };
}

function fieldsOf(err: unknown): { code: string; message: string; name: string } {
  if (typeof err !== 'object' || err === null) return { code: '', message: String(err), name: '' };
  const e = err as { code?: unknown; errno?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  // node-fetch's FetchError carries the system error's code; a nested cause (undici) carries it one level down.
  const inner = typeof e.cause === 'object' && e.cause !== null ? (e.cause as { code?: unknown; message?: unknown }) : undefined;
  const code = typeof e.code === 'string' && e.code !== 'system' ? e.code : typeof e.errno === 'string' ? e.errno : typeof inner?.code === 'string' ? inner.code : '';
  const message = `${typeof e.message === 'string' ? e.message : ''}${typeof inner?.message === 'string' ? ` ${inner.message}` : ''}`.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return { code: code.slice(0, 64), message: message.slice(0, 300), name: typeof e.name === 'string' ? e.name : '' };
}

function hostnameOf(host: string): string {
  return host.replace(/:\d+$/, '');
}
