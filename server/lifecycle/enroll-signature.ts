import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { enrollSignedBytes } from '../../schema/enroll-proof.js';
import { signatureHeaders } from '../../schema/signing.js';
import { ClientError } from '../body.js';
import { maxSkewMs } from './guard.js';
import { checkSignature } from './signature-check.js';

/** Whether the enroll request proves it holds the private half of its `publicKey`, and the nonce to keep. */
export interface EnrollProof {
  keyProven: boolean;
  nonce: string | null;
}

/**
 * Checks the signature headers of an enroll request (schema/enroll-proof.ts) against the key the body carries.
 * No headers: not proven (enough for a first enrollment with the secret, never to complete an approval).
 * Headers that are incomplete, malformed, stale or do not verify: 401, so a broken agent is told, not queued.
 */
export function enrollProof(headers: IncomingHttpHeaders, body: string, key: KeyObject | null, nowMs: number): EnrollProof {
  const signature = headers[signatureHeaders.signature];
  const timestamp = headers[signatureHeaders.timestamp];
  const nonce = headers[signatureHeaders.nonce];
  if (signature === undefined && timestamp === undefined && nonce === undefined) return { keyProven: false, nonce: null };
  if (!key) throw new ClientError(401, 'bad_signature', 'the enroll request is signed but carries no publicKey to check the signature with');
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || typeof nonce !== 'string') {
    throw new ClientError(401, 'bad_signature', `a signed enroll request carries all of ${Object.values(signatureHeaders).join(', ')}`);
  }
  const skewMs = checkSignature(
    { signature, timestamp, nonce },
    (t, n) => enrollSignedBytes(t, n, body),
    key,
    nowMs,
    "the enroll signature does not verify against the request's publicKey (altered body, another key, or bad headers)",
  );
  if (Math.abs(skewMs) > maxSkewMs) {
    const skewS = Math.round(skewMs / 1000);
    throw new ClientError(401, 'clock_skew', `clock skew ${skewS} s: the enroll request's time is outside ±${maxSkewMs / 1000} s of the server's clock; fix the laptop's clock (NTP)`);
  }
  return { keyProven: true, nonce };
}
