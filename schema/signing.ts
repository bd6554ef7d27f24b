import { createHash } from 'node:crypto';

/**
 * Signed reports (wire v1). The agent signs, with the Ed25519 key it registered at enrollment, the bytes
 *   "farmwatch-report-v1\n" + timestamp + "\n" + nonce + "\n" + SHA-256(body)
 * where body is the exact JSON text it sends (before any gzip), timestamp the send time in epoch milliseconds
 * (decimal) and nonce 16 random bytes in base64url. Headers carry the three values; the signature is base64.
 */
export const signatureHeaders = {
  signature: 'x-farmwatch-signature',
  timestamp: 'x-farmwatch-timestamp',
  nonce: 'x-farmwatch-nonce',
} as const;

export const noncePattern = /^[A-Za-z0-9_-]{16,64}$/;
export const timestampPattern = /^\d{10,16}$/;

export function signedBytes(timestamp: string, nonce: string, body: string | Uint8Array): Buffer {
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([Buffer.from(`farmwatch-report-v1\n${timestamp}\n${nonce}\n`, 'utf8'), digest]);
}
