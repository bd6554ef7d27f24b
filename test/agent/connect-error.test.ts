import { describe, expect, it } from 'vitest';
import { describeConnectFailure } from '../../agent/connect-error.js';

// The classifier is pure and total; the real TLS, DNS, refused and timeout errors are produced end to end in
// test/e2e/first-day.test.ts and test/agent/tls-proxy.test.ts. Here: the codes a loopback test cannot produce
// (an expired certificate, no route) and values that are not errors at all.
const url = 'https://farmwatch.example.com:8443/api/v1/enroll';

describe('describeConnectFailure', () => {
  it('names an expired certificate and the fix', () => {
    const failure = describeConnectFailure(Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }), { url });
    expect(failure.cause).toBe('certificate');
    expect(failure.message).toMatch(/^certificate expired or not yet valid \(CERT_HAS_EXPIRED\): renew the server's certificate/);
  });

  it('reads the code node-fetch copies from the system error, and one nested as cause', () => {
    expect(describeConnectFailure({ name: 'FetchError', type: 'system', code: 'EHOSTUNREACH', errno: 'EHOSTUNREACH', message: 'x' }, { url }).message).toBe(
      'no route to farmwatch.example.com:8443 (EHOSTUNREACH): this laptop\'s network cannot reach the server',
    );
    expect(describeConnectFailure({ message: 'fetch failed', cause: { code: 'ENOTFOUND' } }, { url }).cause).toBe('dns');
  });

  it('gives a sentence for anything thrown, and keeps control characters out of it', () => {
    for (const value of [undefined, null, 42, 'boom', {}, [], { code: 7 }, { message: 'line\nbreak' }, new Error('')]) {
      const failure = describeConnectFailure(value, { url: 'not a url' });
      expect(failure.cause).toBe('network');
      expect(failure.message).toMatch(/^cannot reach /);
      expect(failure.message).not.toMatch(/[\u0000-\u001f]/);
    }
  });
});
