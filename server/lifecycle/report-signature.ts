import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { signatureHeaders, signedBytes } from '../../schema/signing.js';
import { ClientError } from '../body.js';
import { checkSignature } from './signature-check.js';

/**
 * The pure half of a report's signature check: headers present and well formed, and the Ed25519 signature valid over
 * the body. It needs no database, so the ingest workers (server/ingest-pool/) run it; what needs the server's clock
 * and database (the skew and the nonce) stays in the guard on the main thread.
 */

/** The three signature headers, each as sent when it is one string (a repeated header is not one). */
export interface SignatureParts {
  signature?: string;
  timestamp?: string;
  nonce?: string;
}

export function signatureParts(headers: IncomingHttpHeaders): SignatureParts {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const parts: SignatureParts = {};
  const signature = one(signatureHeaders.signature);
  const timestamp = one(signatureHeaders.timestamp);
  const nonce = one(signatureHeaders.nonce);
  if (signature !== undefined) parts.signature = signature;
  if (timestamp !== undefined) parts.timestamp = timestamp;
  if (nonce !== undefined) parts.nonce = nonce;
  return parts;
}

/** Ed25519 public key from base64 SPKI DER; throws on anything else. */
export function parsePublicKey(base64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is required, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** Throws 401 signature_required or bad_signature; returns the complete parts of a signature that verifies. */
export function verifyReportSignature(parts: SignatureParts, key: KeyObject, body: string): Required<SignatureParts> {
  const { signature, timestamp, nonce } = parts;
  if (signature === undefined || timestamp === undefined || nonce === undefined) {
    throw new ClientError(401, 'signature_required', `this device registered a signing key: every report must carry ${Object.values(signatureHeaders).join(', ')}`);
  }
  // The skew is judged by the caller against its own clock: 0 here only makes the check's return value the timestamp.
  checkSignature(
    { signature, timestamp, nonce },
    (t, n) => signedBytes(t, n, body),
    key,
    0,
    'the report signature does not verify against the key registered at enrollment (altered body, wrong key, or bad headers)',
  );
  return { signature, timestamp, nonce };
}
