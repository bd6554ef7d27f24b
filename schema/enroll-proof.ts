import { createHash, createPublicKey } from 'node:crypto';

/**
 * Signed enrollment (wire v1). An enroll request carries the same three headers as a signed report
 * (schema/signing.ts: x-farmwatch-signature, -timestamp, -nonce), signed with the private half of the request's
 * `publicKey` over
 *   "farmwatch-enroll-v1\n" + timestamp + "\n" + nonce + "\n" + SHA-256(body)
 * Its own prefix keeps an enrollment signature from ever verifying as a report signature, and the reverse.
 */
export function enrollSignedBytes(timestamp: string, nonce: string, body: string | Uint8Array): Buffer {
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([Buffer.from(`farmwatch-enroll-v1\n${timestamp}\n${nonce}\n`, 'utf8'), digest]);
}

/**
 * The key fingerprint an admin approves: SHA-256 (hex) of the raw 32-byte Ed25519 public key, from its base64
 * SPKI DER form. Null when the text is not an Ed25519 public key.
 */
export function keyFingerprint(spkiBase64: string): string | null {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return null;
    const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
    return createHash('sha256').update(raw).digest('hex');
  } catch {
    return null;
  }
}

/** The first 64 bits of a fingerprint in groups of four, for reading aloud: "3f2a-91bc-0d4e-77a1". */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 16).match(/.{1,4}/g) ?? []).join('-');
}

/**
 * Whether an admin's spelling of a fingerprint (full or short, any case, with or without separators) names this
 * one: at least its first 16 hex digits, and nothing that differs.
 */
export function fingerprintMatches(fingerprint: string, given: string): boolean {
  const hex = given.toLowerCase().replace(/[\s:-]/g, '');
  return /^[0-9a-f]{16,64}$/.test(hex) && fingerprint.startsWith(hex);
}
