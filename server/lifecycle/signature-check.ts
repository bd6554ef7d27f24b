import { verify, type KeyObject } from 'node:crypto';
import { noncePattern, timestampPattern } from '../../schema/signing.js';
import { ClientError } from '../body.js';

/**
 * The one check of a farmwatch signature (reports and enroll requests): well-formed timestamp and nonce, and an
 * Ed25519 signature over the bytes `signed` makes of them. Throws 401 bad_signature naming what failed; returns the
 * signer's clock skew against `nowMs` in ms, which each caller judges (a report's refusal records it on the device).
 */
export function checkSignature(
  parts: { signature: string; timestamp: string; nonce: string },
  signed: (timestamp: string, nonce: string) => Buffer,
  key: KeyObject,
  nowMs: number,
  mismatch: string,
): number {
  if (!timestampPattern.test(parts.timestamp) || !noncePattern.test(parts.nonce)) throw new ClientError(401, 'bad_signature', 'malformed signature timestamp or nonce');
  let valid = false;
  try {
    valid = verify(null, signed(parts.timestamp, parts.nonce), key, Buffer.from(parts.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new ClientError(401, 'bad_signature', mismatch);
  return Number(parts.timestamp) - nowMs;
}
