import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Equal-length digests compared in constant time; the inputs' lengths leak nothing. */
export function sameSecret(given: string, expectedHash: Buffer): boolean {
  return timingSafeEqual(hashToken(given), expectedHash);
}

const bearer = /^Bearer ([A-Za-z0-9_\-.~+/]{16,512}=*)$/;

/** The token of an `Authorization: Bearer` header, or null when absent or not shaped like one of ours. */
export function bearerToken(header: string | undefined): string | null {
  if (!header || header.length > 600) return null;
  return bearer.exec(header)?.[1] ?? null;
}
